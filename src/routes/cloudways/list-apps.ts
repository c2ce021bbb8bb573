import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CloudwaysAppSchema, requireCloudways } from './schemas';

const AppListSchema = z
  .object({ apps: z.array(CloudwaysAppSchema), total: z.number().int() })
  .openapi('CloudwaysAppList');

export const listCloudwaysAppsRoute = createRoute({
  method: 'get',
  path: '/apps',
  operationId: 'listCloudwaysApps',
  summary: 'List the Cloudways applications',
  description:
    'Returns every application on the Cloudways servers: id, server id, label, application type and version, domain and CNAME. Passwords and database credentials are never included.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'The applications.', content: { 'application/json': { schema: AppListSchema } } },
    ...errorResponses,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type ListCloudwaysAppsResponse = z.infer<typeof AppListSchema>;

export const listCloudwaysApps: RouteHandler<typeof listCloudwaysAppsRoute, AppEnv> = async (c) => {
  const apps = await requireCloudways(c.var.services).listApps();
  return c.json({ apps, total: apps.length } satisfies ListCloudwaysAppsResponse, 200);
};
