import { createRouter } from '../router';
import { listConnectionsHandler, listConnectionsRoute } from './list-connections';
import { revokeConnectionHandler, revokeConnectionRoute } from './revoke-connection';

/** `/ai/connections`: the OAuth connections people approved, listed and revoked by a human. */
export function connectionsRouter() {
  return createRouter()
    .openapi(listConnectionsRoute, listConnectionsHandler)
    .openapi(revokeConnectionRoute, revokeConnectionHandler);
}
