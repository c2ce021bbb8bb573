import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { LAYER_STATES } from '../../status/layer';
import type { CloudwaysHealth } from '../../hosting/cloudways';

const CloudwaysHealthSchema = z
  .object({
    state: z.enum(LAYER_STATES),
    latencyMs: z.number(),
    reason: z.string(),
    servers: z
      .object({
        total: z.number().int(),
        running: z.number().int(),
        notRunning: z.array(z.object({ id: z.string(), label: z.string(), status: z.string() })),
      })
      .nullable(),
  })
  .openapi('CloudwaysHealth');

export const getCloudwaysHealthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getCloudwaysHealth',
  summary: 'Check the Cloudways hosting',
  description:
    'Returns state (ok, degraded, down, unconfigured) of the Cloudways account: whether its API answers, how fast, and which servers are not running.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: {
      description: 'The hosting health report.',
      content: { 'application/json': { schema: CloudwaysHealthSchema } },
    },
    ...errorResponses,
  },
});

export type CloudwaysHealthResponse = z.infer<typeof CloudwaysHealthSchema>;

export const UNCONFIGURED_CLOUDWAYS: CloudwaysHealth = {
  state: 'unconfigured',
  latencyMs: 0,
  reason: 'Cloudways is not configured: set CW_EMAIL and CW_API_KEY.',
  servers: null,
};

export const getCloudwaysHealth: RouteHandler<typeof getCloudwaysHealthRoute, AppEnv> = async (c) => {
  const cloudways = c.var.services.hosting.cloudways;
  const body: CloudwaysHealthResponse = cloudways ? await cloudways.health() : UNCONFIGURED_CLOUDWAYS;
  return c.json(body, 200);
};
