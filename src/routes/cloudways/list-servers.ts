import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CloudwaysServerSchema, requireCloudways } from './schemas';

const ServerListSchema = z
  .object({ servers: z.array(CloudwaysServerSchema), total: z.number().int() })
  .openapi('CloudwaysServerList');

export const listCloudwaysServersRoute = createRoute({
  method: 'get',
  path: '/servers',
  operationId: 'listCloudwaysServers',
  summary: 'List the Cloudways servers',
  description:
    'Returns the Cloudways servers hosting the project: id, label, status (running, stopped, …), cloud, region, size, address and app count. Credentials are never included.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'The servers.', content: { 'application/json': { schema: ServerListSchema } } },
    ...errorResponses,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type ListCloudwaysServersResponse = z.infer<typeof ServerListSchema>;

export const listCloudwaysServers: RouteHandler<typeof listCloudwaysServersRoute, AppEnv> = async (c) => {
  const servers = await requireCloudways(c.var.services).listServers();
  return c.json({ servers, total: servers.length } satisfies ListCloudwaysServersResponse, 200);
};
