import { OAuthAuthorizationServer } from '@cloudflare/workers-oauth-provider';
import { ApiError } from '../errors';

/** Read what the API lets the role read; `hezlep:write` adds the changes the role may make (never more than its key). */
export const READ_SCOPE = 'hezlep:read';
export const WRITE_SCOPE = 'hezlep:write';
export const SCOPES = [READ_SCOPE, WRITE_SCOPE] as const;

/** Short-lived access tokens: a revoked grant stops working at the latest this long after (see docs/mcp.md#oauth). */
export const ACCESS_TOKEN_SECONDS = 10 * 60;
/** A grant lives 30 days from its last refresh; each refresh rotates the refresh token. */
export const GRANT_IDLE_SECONDS = 30 * 24 * 3600;

/** The two protected resources: the MCP endpoint, and the REST API for a GPT Action signing in with OAuth. */
export type Resource = 'mcp' | 'api';
const RESOURCE_PATHS: Record<Resource, string> = { mcp: '/mcp', api: '/ai' };

export interface OAuthEnv {
  OAUTH_KV: KVNamespace;
}

export const AUTHORIZE_PATH = '/oauth/authorize';
export const TOKEN_PATH = '/oauth/token';
export const REGISTER_PATH = '/oauth/register';

/** The canonical identifier (token audience) of a resource at an origin. */
export function resourceUrl(origin: string, resource: Resource): string {
  return `${origin}${RESOURCE_PATHS[resource]}`;
}

/** RFC 9728 metadata URL of a resource: the well-known prefix before its path. */
export function resourceMetadataUrl(origin: string, resource: Resource): string {
  return `${origin}/.well-known/oauth-protected-resource${RESOURCE_PATHS[resource]}`;
}

/** One authorization server per origin the Worker answers on (its issuer is that origin), built once per isolate. */
const servers = new Map<string, OAuthAuthorizationServer<OAuthEnv>>();

/**
 * The authorization server for a request's origin. Workers are served over https; plain http only on a
 * loopback host (`npm run dev`, the tests): the library refuses anything else, which is `not_configured` here.
 */
export function authorizationServer(origin: string): OAuthAuthorizationServer<OAuthEnv> {
  let server = servers.get(origin);
  if (!server) {
    try {
      server = new OAuthAuthorizationServer<OAuthEnv>({
        issuer: origin,
        resources: [resourceUrl(origin, 'mcp'), resourceUrl(origin, 'api')],
        // GPT Actions do not send `resource` (RFC 8707); MCP clients must, so the REST API is the default.
        defaultResource: resourceUrl(origin, 'api'),
        authorizeEndpoint: `${origin}${AUTHORIZE_PATH}`,
        tokenEndpoint: `${origin}${TOKEN_PATH}`,
        clientRegistrationEndpoint: `${origin}${REGISTER_PATH}`,
        scopesSupported: [...SCOPES, 'offline_access'],
        accessTokenTTL: ACCESS_TOKEN_SECONDS,
        refreshTokenTTL: undefined,
        refreshTokenIdleTTL: GRANT_IDLE_SECONDS,
        clientIdMetadataDocumentEnabled: true,
      });
    } catch {
      // The library refuses any issuer but https (or http on loopback): a deployment fact, not a fault to log.
      throw new ApiError(
        'not_configured',
        'OAuth is served only over https (or plain http on this machine, for development).',
      );
    }
    servers.set(origin, server);
  }
  return server;
}

/** The OAuth storage binding, or a clear `not_configured` refusal when this deployment has none. */
export function oauthEnv(env: { OAUTH_KV?: KVNamespace }): OAuthEnv {
  if (!env.OAUTH_KV)
    throw new ApiError(
      'not_configured',
      'OAuth is not set up here: the Worker has no OAUTH_KV binding (npm run setup).',
    );
  return { OAUTH_KV: env.OAUTH_KV };
}
