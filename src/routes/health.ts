import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from './router';

export const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealthz',
  summary: 'Liveness probe',
  description:
    'Returns {"status":"ok"} when the Worker is running. No API key needed; for load balancers. Use getStatus for the health of each layer.',
  security: [],
  responses: {
    200: {
      description: 'The Worker is up.',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok'), time: z.string() }) } },
    },
  },
});

export function healthRouter() {
  return createRouter().openapi(healthRoute, (c) =>
    c.json({ status: 'ok' as const, time: new Date().toISOString() }, 200),
  );
}
