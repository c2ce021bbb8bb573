import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CursorSessionSchema, sessionView } from './schemas';
import { identifier, queryIntOr } from '../../lib/input';
import { CursorQuery, decodeIntCursor, encodeCursor } from '../../lib/page-cursor';
import { LIST_BUDGET_CHARS, fitList, jsonChars } from '../../lib/budget';
import { clip } from '../../lib/clip';
import { codeExposureFrom } from '../../redaction/exposure';

const ListResponseSchema = z
  .object({
    count: z.number().int().openapi({ description: 'Live sessions matching the filters, on every page.' }),
    sessions: z.array(CursorSessionSchema),
    truncated: z.boolean().openapi({
      description: 'True when sessions or diffs were left out to stay within the size budget; page with nextCursor.',
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('CursorSessionList');

export const listSessionsRoute = createRoute({
  method: 'get',
  path: '/session',
  operationId: 'listCursorSessions',
  summary: 'List live editor sessions',
  description:
    "Returns who is editing what right now: each live session's user, workspace, branch, head, file, selection and diff size, newest first. Add diff=true for the diffs (the gpt client gets a summary: files, hunks, +/-).",
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      user: identifier({ max: 64 }).optional().openapi({ description: 'Only this user.' }),
      workspace: identifier({ max: 200 }).optional().openapi({ description: 'Only this workspace.' }),
      diff: z
        .enum(['true', 'false'])
        .optional()
        .transform((value) => value === 'true')
        .openapi({
          description:
            "Include each session's diff (the gpt client: its summary); cut to fit the answer (diffTruncated).",
        }),
      cursor: CursorQuery,
      limit: queryIntOr({
        min: 1,
        max: 50,
        default: 20,
        description: 'At most this many sessions (1-50, default 20).',
      }),
    }),
  },
  responses: {
    200: { description: 'The live sessions.', content: { 'application/json': { schema: ListResponseSchema } } },
    ...errorResponses,
  },
});

export type ListSessionsResponse = z.infer<typeof ListResponseSchema>;

export const listSessions: RouteHandler<typeof listSessionsRoute, AppEnv> = async (c) => {
  const { user, workspace, diff, cursor, limit } = c.req.valid('query');
  const sessions = (await c.var.services.cursorSessions(c.var.caller).list()).filter(
    (s) => (user === undefined || s.user === user) && (workspace === undefined || s.workspace === workspace),
  );
  const code =
    c.var.caller.client === 'gpt' && codeExposureFrom(c.var.services.config.vars) !== 'snippet' ? 'summary' : 'full';
  const offset = cursor === undefined ? 0 : decodeIntCursor(cursor, 'sessions');
  const page = sessions.slice(offset, offset + limit).map((s) => sessionView(s, diff, code));
  const fitted = fitList(page);
  const first = fitted.items[0];
  let diffCut = false;
  if (first?.diff !== undefined && jsonChars(first) > LIST_BUDGET_CHARS) {
    // One session over the budget on its own (CURSOR_DIFF_MAX_BYTES allows 1 MiB): its diff is cut to fit.
    const room = LIST_BUDGET_CHARS - jsonChars({ ...first, diff: '' });
    fitted.items[0] = { ...first, diff: clip(first.diff, Math.floor(room / 2)), diffTruncated: true };
    diffCut = true;
  }
  const next = offset + fitted.items.length;
  const body: ListSessionsResponse = {
    count: sessions.length,
    sessions: fitted.items,
    truncated: next < sessions.length || diffCut,
    nextCursor: next < sessions.length ? encodeCursor('sessions', [next]) : null,
  };
  return c.json(body, 200);
};
