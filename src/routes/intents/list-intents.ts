import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { CURSOR_INT, CursorQuery, decodeCursor, encodeCursor } from '../../lib/page-cursor';
import { identifier, queryIntOr } from '../../lib/input';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { fitList } from '../../lib/budget';
import { INTENT_STATES } from '../../db/schema';
import { IntentSchema } from './schemas';

const IntentPageSchema = z
  .object({
    intents: z.array(IntentSchema),
    truncated: z.boolean().openapi({
      description: 'True when more intents match or the page hit the size budget; fetch them with cursor=nextCursor.',
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('IntentPage');

export const listIntentsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listIntents',
  summary: 'List intents, newest first',
  description:
    'Returns proposed and past operations newest first, each with a one-line summary, state, approval and execution. Filter by state, kind, target or proposer; page with cursor.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      state: z.enum(INTENT_STATES).optional().openapi({ description: 'Only intents in this state.' }),
      kind: identifier({ max: 40 })
        .optional()
        .openapi({ description: 'Only this kind: deploy, rollback, purge-cache or restart.' }),
      target: identifier({ max: 200 }).optional().openapi({ description: 'Only this target, e.g. staging.' }),
      proposer: identifier({ max: 100 }).optional().openapi({
        description: 'A client (every proposal made through it, e.g. gpt) or client:person (human:alice).',
      }),
      cursor: CursorQuery,
      limit: queryIntOr({
        min: 1,
        max: 100,
        default: 20,
        description: 'At most this many intents (1-100, default 20); fewer when they would not fit the size budget.',
      }),
    }),
  },
  responses: {
    200: { description: 'A page of intents.', content: { 'application/json': { schema: IntentPageSchema } } },
    ...errorResponses,
  },
});

export type ListIntentsResponse = z.infer<typeof IntentPageSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function intentCursor(createdAt: string, id: string): string {
  return encodeCursor('intents', [Date.parse(createdAt), id]);
}

function decodeIntentCursor(cursor: string): { createdAt: Date; id: string } {
  const [ms, id] = decodeCursor(cursor, 'intents', [CURSOR_INT, UUID]);
  return { createdAt: new Date(Number(ms)), id: id! };
}

export const listIntents: RouteHandler<typeof listIntentsRoute, AppEnv> = async (c) => {
  const q = c.req.valid('query');
  const { intents, hasMore } = await c.var.services.intents(c.var.caller).list({
    state: q.state,
    kind: q.kind,
    target: q.target,
    proposer: q.proposer,
    cursor: q.cursor === undefined ? undefined : decodeIntentCursor(q.cursor),
    limit: q.limit,
  });
  const fitted = fitList(intents);
  const more = hasMore || fitted.cut;
  const last = fitted.items.at(-1);
  const body: ListIntentsResponse = {
    intents: fitted.items,
    truncated: more,
    nextCursor: more && last ? intentCursor(last.createdAt, last.id) : null,
  };
  return c.json(body, 200);
};
