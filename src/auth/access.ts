import { z } from 'zod';
import { ApiError } from '../errors';
import { optionalVar, varsSection } from '../lib/vars';
import { callerOf, type Caller } from './keys';
import { verifyToken, type TokenRules } from './jwks';

/** The header Access adds to every request it lets through, and the cookie it sets in the browser. */
export const ACCESS_HEADER = 'cf-access-jwt-assertion';
export const ACCESS_COOKIE = 'CF_Authorization';

/**
 * `myteam`, `myteam.cloudflareaccess.com` or a full URL -> the issuer Access writes into `iss`.
 * Plain http only for a key server on this machine (the local stand-in).
 */
export function teamIssuer(domain: string): string {
  const withHost = /^[a-z0-9-]+$/i.test(domain) ? `${domain}.cloudflareaccess.com` : domain;
  const url = new URL(/^[a-z]+:\/\//i.test(withHost) ? withHost : `https://${withHost}`);
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) throw new Error('https is required');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export const accessVars = varsSection(
  'Cloudflare Access',
  z.object({
    ACCESS_TEAM_DOMAIN: optionalVar.describe(
      'Cloudflare Access team domain (`myteam` or `https://myteam.cloudflareaccess.com`); with ACCESS_AUD, humans sign in through Access.',
    ),
    ACCESS_AUD: optionalVar.describe(
      'Audience (AUD) tag of the Access application in front of this Worker (with ACCESS_TEAM_DOMAIN).',
    ),
  }),
  (v): TokenRules | undefined => {
    if (!v.ACCESS_TEAM_DOMAIN && !v.ACCESS_AUD) return undefined;
    if (!v.ACCESS_TEAM_DOMAIN || !v.ACCESS_AUD) {
      throw new ApiError(
        'misconfigured',
        'Service configuration is invalid: ACCESS_TEAM_DOMAIN and ACCESS_AUD must be set together',
      );
    }
    let issuer: string;
    try {
      issuer = teamIssuer(v.ACCESS_TEAM_DOMAIN);
    } catch (error) {
      throw new ApiError(
        'misconfigured',
        `Service configuration is invalid: ACCESS_TEAM_DOMAIN is not a team domain (${(error as Error).message})`,
      );
    }
    return { issuer, certsUrl: `${issuer}/cdn-cgi/access/certs`, audience: v.ACCESS_AUD };
  },
);

/** The Access token a request carries: the header Access adds, else the browser's cookie. */
export function accessTokenOf(headers: Headers): string | undefined {
  const header = headers.get(ACCESS_HEADER)?.trim();
  if (header) return header;
  for (const pair of (headers.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === ACCESS_COOKIE) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/** The human an Access token names (its `email`), after checking it against the team's published keys. */
export async function accessCaller(
  token: string,
  rules: TokenRules,
  deps: { fetch: typeof fetch; nowMs: number } = { fetch: (input, init) => fetch(input, init), nowMs: Date.now() },
): Promise<Caller> {
  const claims = await verifyToken(token, rules, deps);
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email)) {
    throw new ApiError(
      'unauthenticated',
      'The Cloudflare Access token names no person (a service token?); machines sign in with an API key.',
    );
  }
  return callerOf('human', email);
}
