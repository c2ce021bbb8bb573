import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors';
import type { AppEnv } from '../app-env';
import { CLIENTS, identify, type Caller, type Client } from './keys';
import { acceptBody } from '../lib/body';
import { internalCallOf } from './internal';
import { accessCaller, accessTokenOf, accessVars } from './access';
import { connectionCaller } from '../oauth/caller';
import { READ_SCOPE, WRITE_SCOPE, resourceMetadataUrl } from '../oauth/server';

export const ALL_CLIENTS: readonly Client[] = CLIENTS;

/**
 * Resolve the caller from `x-api-key`; without a key, from `Authorization: Bearer`, which carries either an API
 * key (a GPT Action whose API-key auth type is Bearer; as /mcp takes it) or an OAuth access token issued for the
 * REST API (a GPT Action signed in with OAuth); or, when Cloudflare Access is configured, from the Access token
 * (header or cookie), which names a human by email. `x-client-id`, if sent, must agree.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const internal = internalCallOf(c.req.raw);
  const key = c.req.header('x-api-key');
  const bearer = internal || key ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const access = internal || key || bearer ? undefined : accessVars.parse(c.var.services.config.vars);
  const token = access && accessTokenOf(c.req.raw.headers);
  c.set(
    'caller',
    internal
      ? internal.caller
      : bearer
        ? checkClaimedClient(c, (await identify(bearer, c.var.services.config.keys)) ?? (await oauthCaller(c, bearer)))
        : access && token
          ? checkClaimedClient(c, await accessCaller(token, access))
          : await identifyCaller(
              c,
              key,
              access ? 'the x-api-key header, or sign in through Cloudflare Access' : 'the x-api-key header',
            ),
  );
  await next();
};

/** The caller an OAuth access token for the REST API stands for; otherwise a 401 with the OAuth challenge. */
async function oauthCaller(c: Context<AppEnv>, token: string): Promise<Caller> {
  const origin = new URL(c.req.url).origin;
  const caller = await connectionCaller(c.env, origin, 'api', token);
  if (caller) return caller;
  throw new ApiError('unauthenticated', 'The access token is not recognised, has expired or was revoked.', {
    headers: {
      'www-authenticate': `Bearer resource_metadata="${resourceMetadataUrl(origin, 'api')}", scope="${READ_SCOPE}", error="invalid_token"`,
    },
  });
}

/** The caller a key belongs to (`where` tells a caller without one how to send it); `x-client-id`, if sent, must agree. */
export async function identifyCaller(c: Context<AppEnv>, key: string | undefined, where: string): Promise<Caller> {
  if (!key) throw new ApiError('unauthenticated', `Send your API key in ${where}.`);
  const caller = await identify(key, c.var.services.config.keys);
  if (!caller) throw new ApiError('unauthenticated', 'The API key is not recognised.');
  return checkClaimedClient(c, caller);
}

function checkClaimedClient(c: Context<AppEnv>, caller: Caller): Caller {
  const claimed = c.req.header('x-client-id');
  if (claimed !== undefined && claimed !== caller.client) {
    throw new ApiError(
      'client_mismatch',
      `x-client-id says "${claimed.slice(0, 32)}" but the API key belongs to a different client.`,
    );
  }
  return caller;
}

export interface GuardOptions {
  /** Which clients may call the route. */
  clients: readonly Client[];
  /** Largest request body accepted, in bytes (default 16 KiB). */
  maxBodyBytes?: number;
}

/** The clients each guard's check admits, keyed by that middleware, so the route table can say who may call what. */
const ALLOWED = new WeakMap<object, readonly Client[]>();

/** The clients a route's guard admits, given one of the route's handlers; undefined when it is not a guard. */
export function allowedClientsOf(handler: object): readonly Client[] | undefined {
  return ALLOWED.get(handler);
}

/** Route middleware: authenticate, check the client may call this route, then read and check the body (src/lib/body.ts). */
export function guard(options: GuardOptions): MiddlewareHandler<AppEnv>[] {
  const maxBytes = options.maxBodyBytes ?? 16 * 1024;
  const allow: MiddlewareHandler<AppEnv> = async (c, next) => {
    const caller = c.var.caller;
    if (!options.clients.includes(caller.client)) {
      throw new ApiError(
        'client_not_allowed',
        `The ${caller.client} client may not call this operation (allowed: ${options.clients.join(', ')}).`,
      );
    }
    const scopes = caller.connection?.scopes;
    const needed = c.req.method === 'GET' || c.req.method === 'HEAD' ? READ_SCOPE : WRITE_SCOPE;
    if (scopes && !scopes.includes(needed)) {
      throw new ApiError('forbidden', `This connection was not granted ${needed}; reconnect and allow it.`, {
        extra: { requiredScope: needed },
      });
    }
    await next();
  };
  ALLOWED.set(allow, options.clients);
  const body: MiddlewareHandler<AppEnv> = async (c, next) => {
    await acceptBody(c, maxBytes);
    await next();
  };
  return [authenticate, allow, body];
}
