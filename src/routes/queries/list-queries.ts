import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { QUERY_LOG_CAPACITY, type RecordedQuery } from '../../queries/log';
import { queryIntOr } from '../../lib/input';

const RecordedQuerySchema = z
  .object({
    at: z.string(),
    method: z.string(),
    route: z.string().openapi({ description: 'The route pattern, e.g. /ai/intents/:id.' }),
    path: z.string(),
    params: z
      .record(z.string(), z.string())
      .openapi({ description: 'Query-string parameters, clipped; secret-looking ones withheld.' }),
    status: z.number().int(),
    resultCount: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'How many items the answer listed, when it listed any.' }),
    latencyMs: z.number(),
    requestId: z.string(),
  })
  .openapi('RecordedQuery');

const QueryLogSchema = z
  .object({
    queries: z.array(RecordedQuerySchema),
    capacity: z.number().int().openapi({ description: 'How many recent queries the service keeps.' }),
  })
  .openapi('QueryLog');

export const listQueriesRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listGptQueries',
  summary: "List the GPT's recent queries",
  description:
    'Returns what the gpt client asked recently, newest first: method, route, parameters, status, result count and latency. For the dashboard; humans only.',
  middleware: guard({ clients: ['human'] }),
  request: {
    query: z.object({ limit: queryIntOr({ min: 1, max: QUERY_LOG_CAPACITY, default: 50 }) }),
  },
  responses: {
    200: { description: 'Recent queries, newest first.', content: { 'application/json': { schema: QueryLogSchema } } },
    ...errorResponses,
  },
});

export type ListQueriesResponse = z.infer<typeof QueryLogSchema>;

export const listQueries: RouteHandler<typeof listQueriesRoute, AppEnv> = async (c) => {
  const { limit } = c.req.valid('query');
  const { queryLog, config } = c.var.services;
  let queries: RecordedQuery[];
  try {
    queries = await queryLog.recent(config.projectId, limit);
  } catch (error) {
    throw new ApiError('store_unavailable', `The query log (${queryLog.kind}) is unavailable.`, { internal: error });
  }
  const body: ListQueriesResponse = { queries, capacity: QUERY_LOG_CAPACITY };
  return c.json(body, 200);
};
