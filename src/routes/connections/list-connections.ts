import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { listConnections } from '../../oauth/connections';
import { ConnectionSchema, oauthOf } from './schemas';

const ConnectionListSchema = z.object({ connections: z.array(ConnectionSchema) }).openapi('ConnectionList');

export const listConnectionsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listConnections',
  summary: 'List OAuth connections',
  description:
    'Returns the apps people connected through OAuth (ChatGPT, Claude, Cursor…), newest first: who approved each, the role it acts as, its scopes and expiry. Humans only.',
  middleware: guard({ clients: ['human'] }),
  responses: {
    200: { description: 'Live connections.', content: { 'application/json': { schema: ConnectionListSchema } } },
    ...errorResponses,
    ...notConfiguredResponse,
  },
});

export type ListConnectionsResponse = z.infer<typeof ConnectionListSchema>;

export const listConnectionsHandler: RouteHandler<typeof listConnectionsRoute, AppEnv> = async (c) => {
  const { env, oauth } = oauthOf(c);
  return c.json({ connections: await listConnections(env, oauth) } satisfies ListConnectionsResponse, 200);
};
