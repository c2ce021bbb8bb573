import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { ClientClockAhead, SessionChanged } from '../../cursor/service';
import { SelectionSchema } from '../../cursor/session';
import { CursorSessionSchema, sessionView } from './schemas';
import { CommitSha, identifier, text } from '../../lib/input';

/** Diffs are capped by CURSOR_DIFF_MAX_BYTES (at most 1 MiB); the body limit leaves room for the rest. */
const MAX_BODY_BYTES = 1_048_576 + 16 * 1024;

export const RecordSessionBodySchema = z
  .object({
    workspace: identifier({ max: 200 })
      .default('default')
      .openapi({ description: 'Which checkout: the repository or folder name.', example: 'hezlep' }),
    branch: identifier({ max: 255 }).openapi({ example: 'feature/checkout' }),
    head: CommitSha.optional(),
    file: identifier({ max: 1_000 })
      .optional()
      .openapi({ description: 'Path of the active file, relative to the workspace root.', example: 'src/app.ts' }),
    diff: text({ max: 1_048_576, multiline: true })
      .optional()
      .openapi({ description: 'Unified diff of the active file against HEAD, within the size limit.' }),
    diffTruncated: z
      .boolean()
      .optional()
      .openapi({ description: 'True when the client cut the diff to fit the limit.' }),
    selection: SelectionSchema.optional(),
    timestamp: z
      .string()
      .datetime({ offset: true })
      .openapi({ description: "The client's clock when it took the snapshot (ISO 8601)." }),
    user: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'user must be 1-64 letters, digits or . _ @ -')
      .optional()
      .openapi({ description: "Whose session; defaults to the key's person." }),
  })
  .strict()
  .openapi('CursorSessionSync');

const RecordResponseSchema = z
  .object({
    applied: z.boolean().openapi({
      description: 'False when a newer snapshot (by client timestamp) was already live; `session` is then that one.',
    }),
    reason: z.literal('stale').optional(),
    session: CursorSessionSchema,
    overwrote: z
      .object({ client: z.string(), person: z.string().optional(), version: z.number().int(), receivedAt: z.string() })
      .optional()
      .openapi({ description: 'Present when this sync replaced a session another identity wrote (audited).' }),
  })
  .openapi('CursorSessionRecorded');

export const recordSessionRoute = createRoute({
  method: 'post',
  path: '/session',
  operationId: 'syncCursorSession',
  summary: 'Publish your editor session',
  description:
    'Records your branch, head, active file, diff and selection as the live session for you and this workspace (expires like the context). Returns applied:false if a newer snapshot is already live.',
  middleware: guard({ clients: ['cursor', 'human'], maxBodyBytes: MAX_BODY_BYTES }),
  request: { body: { required: true, content: { 'application/json': { schema: RecordSessionBodySchema } } } },
  responses: {
    200: {
      description: 'Recorded, or refused as stale.',
      content: { 'application/json': { schema: RecordResponseSchema } },
    },
    ...errorResponses,
  },
});

export type RecordSessionResponse = z.infer<typeof RecordResponseSchema>;

export const recordSession: RouteHandler<typeof recordSessionRoute, AppEnv> = async (c) => {
  const input = c.req.valid('json');
  const { diffMaxBytes } = c.var.services.cursorConfig;
  const diffBytes = input.diff ? new TextEncoder().encode(input.diff).length : 0;
  if (diffBytes > diffMaxBytes) {
    throw new ApiError(
      'payload_too_large',
      `The diff is ${diffBytes} bytes; the limit is ${diffMaxBytes}. Send a shorter diff and set diffTruncated: true.`,
      {
        extra: { limit: diffMaxBytes },
      },
    );
  }
  const result = await c.var.services
    .cursorSessions(c.var.caller)
    .record(input)
    .catch((error: unknown) => {
      if (error instanceof ClientClockAhead) throw new ApiError('validation_failed', error.message);
      if (error instanceof SessionChanged)
        throw new ApiError('version_conflict', error.message, { extra: { currentVersion: error.currentVersion } });
      throw error;
    });
  const body: RecordSessionResponse = result.applied
    ? {
        applied: true,
        session: sessionView(result.session, false),
        ...(result.overwrote ? { overwrote: result.overwrote } : {}),
      }
    : { applied: false, reason: 'stale', session: sessionView(result.session, false) };
  return c.json(body, 200);
};
