import type { Context, MiddlewareHandler } from 'hono';
import { identifyCaller } from '../../auth/guard';
import { identify } from '../../auth/keys';
import type { AppEnv } from '../../app-env';
import { ApiError } from '../../errors';
import { connectionCaller } from '../../oauth/caller';
import { READ_SCOPE, resourceMetadataUrl } from '../../oauth/server';

/** MCP clients send a static header (the API key as `x-api-key` or `Authorization: Bearer`), or an OAuth access token. */
export function mcpKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header('x-api-key');
  if (key) return key;
  return bearerOf(c);
}

function bearerOf(c: Context<AppEnv>): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/** RFC 9728 / MCP: every 401 names the resource metadata and the scope to ask for first; a bad token says so. */
export function mcpChallenge(c: Context<AppEnv>, invalidToken: boolean): Record<string, string> {
  const origin = new URL(c.req.url).origin;
  const error = invalidToken ? ', error="invalid_token"' : '';
  return {
    'www-authenticate': `Bearer resource_metadata="${resourceMetadataUrl(origin, 'mcp')}", scope="${READ_SCOPE}"${error}`,
  };
}

/**
 * The same keys and clients as REST, or an OAuth access token issued for this endpoint (its grant names the role
 * and the person). A refusal is a 401/403 problem, with the OAuth challenge, before any MCP message is read.
 */
export const authenticateMcp: MiddlewareHandler<AppEnv> = async (c, next) => {
  const bearer = c.req.header('x-api-key') ? undefined : bearerOf(c);
  if (bearer && !(await identify(bearer, c.var.services.config.keys))) {
    const caller = await connectionCaller(c.env, new URL(c.req.url).origin, 'mcp', bearer);
    if (!caller) {
      throw new ApiError(
        'unauthenticated',
        'The API key or access token is not recognised, has expired or was revoked.',
        {
          headers: mcpChallenge(c, true),
        },
      );
    }
    c.set('caller', caller);
    return next();
  }
  try {
    c.set(
      'caller',
      await identifyCaller(c, mcpKeyOf(c), 'the x-api-key header, an Authorization: Bearer header, or OAuth'),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      throw new ApiError(error.code, error.message, { headers: mcpChallenge(c, mcpKeyOf(c) !== undefined) });
    throw error;
  }
  await next();
};
