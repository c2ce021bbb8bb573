import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { INTENT_STATES } from '../../db/schema';
import { IntentSchema } from './schemas';

const IntentPageSchema = z
  .object({
    intents: z.array(IntentSchema),
    truncated: z.boolean().openapi({ description: 'True when more intents match; fetch them with cursor=nextCursor.' }),
    nextCursor: z.string().nullable(),
  })
  .openapi('IntentPage');

export const listIntentsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listIntents',
  summary: 'List intents, newest first',
  description: 'Returns proposed and past operations newest first, each with a one-line summary, state, approval and execution. Filter by state, kind, target or proposer; page with cursor.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      state: z.enum(INTENT_STATES).optional(),
      kind: z.string().max(40).optional(),
      target: z.string().max(200).optional(),
      proposer: z.string().max(100).optional().openapi({ description: 'client or client:person, e.g. gpt or human:alice.' }),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: { description: 'A page of intents.', content: { 'application/json': { schema: IntentPageSchema } } },
    ...errorResponses,
  },
});

export type ListIntentsResponse = z.infer<typeof IntentPageSchema>;

function encodeCursor(createdAt: string, id: string): string {
  return btoa(`${Date.parse(createdAt)}:${id}`).replace(/=+$/, '');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [ms, id] = atob(cursor).split(':');
    const at = Number(ms);
    if (Number.isSafeInteger(at) && id && /^[0-9a-f-]{36}$/.test(id)) return { createdAt: new Date(at), id };
  } catch {
    // fall through
  }
  throw new ApiError('validation_failed', 'Invalid query: cursor: must be the nextCursor of a previous page', {
    extra: { issues: [{ path: 'cursor', message: 'must be the nextCursor of a previous page' }] },
  });
}

export const listIntents: RouteHandler<typeof listIntentsRoute, AppEnv> = async (c) => {
  const q = c.req.valid('query');
  const { intents, hasMore } = await c.var.services.intents(c.var.caller).list({
    state: q.state,
    kind: q.kind,
    target: q.target,
    proposer: q.proposer,
    cursor: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
    limit: q.limit,
  });
  const last = intents.at(-1);
  const body: ListIntentsResponse = { intents, truncated: hasMore, nextCursor: hasMore && last ? encodeCursor(last.createdAt, last.id) : null };
  return c.json(body, 200);
};
