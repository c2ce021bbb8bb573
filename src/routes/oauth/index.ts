import { notConfiguredResponse } from '../../errors';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { authorizationServer, oauthEnv } from '../../oauth/server';
import { createRouter } from '../router';
import { authorizeDecisionRoute, authorizePageRoute, decideConsent, showConsent } from './authorize';
import {
  apiResourceMetadataRoute,
  mcpResourceMetadataRoute,
  resourceMetadata,
  rootResourceMetadataRoute,
  serverMetadataRoute,
} from './metadata';

const oauthJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({}).passthrough() } },
});

const tokenRoute = createRoute({
  method: 'post',
  path: '/token',
  operationId: 'exchangeOAuthToken',
  summary: 'OAuth token and revocation endpoint',
  description:
    'Form-encoded. authorization_code (with the PKCE code_verifier) or refresh_token (rotates it) gives a 10-minute access token for one resource; token=… revokes (RFC 7009).',
  security: [],
  responses: {
    ...notConfiguredResponse,
    200: oauthJson('Tokens, or an empty answer to a revocation.'),
    400: oauthJson('An OAuth error.'),
    401: oauthJson('invalid_client.'),
  },
});

const registerRoute = createRoute({
  method: 'post',
  path: '/register',
  operationId: 'registerOAuthClient',
  summary: 'Register an OAuth client (RFC 7591)',
  description:
    'Dynamic client registration for MCP clients without a client metadata document: redirect_uris (https, or http on loopback), client_name. Answers the client_id.',
  security: [],
  responses: {
    ...notConfiguredResponse,
    201: oauthJson('The registered client.'),
    400: oauthJson('invalid_client_metadata or invalid_redirect_uri.'),
  },
});

/** The library serves its own protocol endpoints: metadata, token, revocation and registration. */
const library = (c: Context<AppEnv>) =>
  authorizationServer(new URL(c.req.url).origin).fetch(c.req.raw, oauthEnv(c.env), c.executionCtx as ExecutionContext);

/** `/oauth/*`: the sign-in and consent page (ours) and the token and registration endpoints (the library's). */
export function oauthRouter() {
  const router = createRouter();
  for (const route of [authorizePageRoute, authorizeDecisionRoute, tokenRoute, registerRoute])
    router.openAPIRegistry.registerPath(route);
  router.get('/authorize', showConsent);
  router.post('/authorize', decideConsent);
  router.on(['POST', 'OPTIONS'], ['/token', '/register'], library);
  return router;
}

/** `/.well-known/*`: RFC 8414 authorization server metadata (the library's) and RFC 9728 resource metadata (ours). */
export function wellKnownRouter() {
  const router = createRouter();
  for (const route of [
    serverMetadataRoute,
    mcpResourceMetadataRoute,
    rootResourceMetadataRoute,
    apiResourceMetadataRoute,
  ])
    router.openAPIRegistry.registerPath(route);
  router.on(['GET', 'OPTIONS'], '/oauth-authorization-server', library);
  router.get('/oauth-protected-resource', resourceMetadata('mcp'));
  router.get('/oauth-protected-resource/mcp', resourceMetadata('mcp'));
  router.get('/oauth-protected-resource/ai', resourceMetadata('api'));
  return router;
}
