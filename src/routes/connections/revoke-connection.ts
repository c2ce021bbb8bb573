import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses, notConfiguredResponse, notFoundResponse } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { revokeConnection } from '../../oauth/connections';
import { ConnectionSchema, oauthOf } from './schemas';

const RevokedSchema = z.object({ revoked: ConnectionSchema }).openapi('RevokedConnection');

export const revokeConnectionRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'revokeConnection',
  summary: 'Revoke an OAuth connection',
  description:
    'Revokes a connection and every token issued under it: its next request is refused (401) and it must be approved again. Audited. Humans only.',
  middleware: guard({ clients: ['human'] }),
  request: { params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }) },
  responses: {
    200: { description: 'The revoked connection.', content: { 'application/json': { schema: RevokedSchema } } },
    ...errorResponses,
    ...notConfiguredResponse,
    ...notFoundResponse,
  },
});

export type RevokeConnectionResponse = z.infer<typeof RevokedSchema>;

export const revokeConnectionHandler: RouteHandler<typeof revokeConnectionRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { env, oauth } = oauthOf(c);
  const revoked = await revokeConnection(env, oauth, id);
  if (!revoked) throw new ApiError('not_found', `No connection ${id}; listConnections shows the live ones.`);
  await c.var.services.audit(c.var.caller).record({
    action: 'connection.revoked',
    target: `connection:${id}`,
    summary: `${c.var.caller.label} revoked ${revoked.person}'s ${revoked.clientName} connection (${revoked.role})`,
    detail: { ...revoked },
  });
  return c.json({ revoked } satisfies RevokeConnectionResponse, 200);
};
