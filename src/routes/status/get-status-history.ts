import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { LAYER_STATES } from '../../status/layer';
import { listTransitions } from '../../status/uptime';
import { CursorQuery, decodeIntCursor, encodeCursor } from '../../lib/page-cursor';
import { queryIntOr } from '../../lib/input';

const TransitionSchema = z
  .object({
    id: z.number().int(),
    layer: z.string(),
    from: z.enum(LAYER_STATES).nullable().openapi({ description: 'null for the first observation of a layer.' }),
    to: z.enum(LAYER_STATES),
    reason: z.string(),
    latencyMs: z.number(),
    at: z.string(),
  })
  .openapi('LayerTransition');

const HistorySchema = z
  .object({
    transitions: z.array(TransitionSchema),
    truncated: z.boolean(),
    nextCursor: z.string().nullable(),
  })
  .openapi('StatusHistory');

export const getStatusHistoryRoute = createRoute({
  method: 'get',
  path: '/history',
  operationId: 'getStatusHistory',
  summary: 'When layers changed state',
  description:
    'Returns the recorded changes of layer state from the uptime checks, newest first: layer, from, to, reason, latency and time. Filter by layer; page with cursor.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      layer: z
        .string()
        .regex(/^[a-z0-9-]{1,40}$/)
        .optional()
        .openapi({ description: 'Only this layer, e.g. wordpress.' }),
      cursor: CursorQuery,
      limit: queryIntOr({ min: 1, max: 200, default: 50 }),
    }),
  },
  responses: {
    200: { description: 'A page of transitions.', content: { 'application/json': { schema: HistorySchema } } },
    ...errorResponses,
  },
});

export type GetStatusHistoryResponse = z.infer<typeof HistorySchema>;

export const getStatusHistory: RouteHandler<typeof getStatusHistoryRoute, AppEnv> = async (c) => {
  const q = c.req.valid('query');
  const { ledgerPool: ledger, config } = c.var.services;
  const { transitions, hasMore } = await listTransitions(
    { ledgerPool: ledger, project: config.projectId },
    {
      layer: q.layer,
      before: q.cursor === undefined ? undefined : decodeIntCursor(q.cursor, 'status'),
      limit: q.limit,
    },
  );
  const last = transitions.at(-1);
  const body: GetStatusHistoryResponse = {
    transitions,
    truncated: hasMore,
    nextCursor: hasMore && last ? encodeCursor('status', [last.id]) : null,
  };
  return c.json(body, 200);
};
