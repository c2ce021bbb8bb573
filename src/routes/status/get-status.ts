import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { LayerReportSchema } from '../../status/layer';
import { checkStatus } from '../../status/check';

export const ServiceStatusSchema = z
  .object({
    verdict: z.enum(['ok', 'degraded', 'down']),
    summary: z.string().openapi({ description: 'One line: what is wrong, or that all is well.' }),
    layers: z.array(LayerReportSchema),
    service: z.object({ version: z.string(), project: z.string() }),
    checkedAt: z.string(),
  })
  .openapi('ServiceStatus');

export const getStatusRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getStatus',
  summary: 'Health of every layer',
  description:
    'Checks every layer concurrently (context store, ledger, WordPress, Cloudways, …) and returns each as ok, degraded, down or unconfigured with latency and a one-line reason, plus an overall verdict and the service version.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: {
      description: 'The status of every layer.',
      content: { 'application/json': { schema: ServiceStatusSchema } },
    },
    ...errorResponses,
  },
});

export type GetStatusResponse = z.infer<typeof ServiceStatusSchema>;

export const getStatus: RouteHandler<typeof getStatusRoute, AppEnv> = async (c) => {
  const body: GetStatusResponse = await checkStatus(c.var.services);
  return c.json(body, 200);
};
