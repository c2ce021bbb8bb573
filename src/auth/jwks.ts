import { ApiError } from '../errors';

/**
 * RS256 JSON Web Tokens checked against a published key set (JWKS), with WebCrypto
 * only: Cloudflare Access signs its application tokens this way. About eighty lines
 * instead of a JOSE library, because one algorithm and one key type is all Access uses.
 */

/** Where the keys are, who must have issued the token, and for whom. */
export interface TokenRules {
  certsUrl: string;
  issuer: string;
  audience: string;
}

/** What the checks read: the clock and the network (both injectable for tests). */
export interface TokenDeps {
  fetch: typeof fetch;
  nowMs: number;
}

/** Seconds of clock skew allowed on `exp` and `nbf`. */
export const LEEWAY_SECONDS = 60;
/** How long a fetched key set is trusted before it is fetched again. */
export const KEYS_LIFETIME_MS = 60 * 60 * 1000;
/** An unknown key id makes one refetch, but not more often than this (made-up ids must not flood the key server). */
export const REFETCH_MIN_MS = 10_000;

interface KeySet {
  keys: Map<string, CryptoKey>;
  fetchedAt: number;
  /** When a refetch was last made because of an unknown key id. */
  refetchedAt?: number;
}

/** Per isolate, per key-set URL: plain data, safe to keep across requests. */
const cache = new Map<string, KeySet>();

const bad = (why: string) => new ApiError('unauthenticated', `The Cloudflare Access token is not valid: ${why}.`);

function decodeSegment(segment: string): Uint8Array<ArrayBuffer> {
  const base64 = segment.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

function decodeJson(segment: string, part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(decodeSegment(segment)));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw bad(`its ${part} is not base64url JSON`);
}

async function fetchKeys(url: string, deps: TokenDeps): Promise<Map<string, CryptoKey>> {
  let body: unknown;
  try {
    const response = await deps.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new ApiError(
      'upstream_unavailable',
      'Cloudflare Access signing keys could not be fetched, so the sign-in cannot be checked; try again shortly.',
      { internal: `${url}: ${error}` },
    );
  }
  const listed = (body as { keys?: unknown }).keys;
  const keys = new Map<string, CryptoKey>();
  for (const jwk of (Array.isArray(listed) ? listed : []) as (JsonWebKey & { kid?: unknown })[]) {
    const kid = jwk.kid;
    if (typeof kid !== 'string' || jwk.kty !== 'RSA' || (jwk.alg !== undefined && jwk.alg !== 'RS256')) continue;
    const key = await crypto.subtle
      .importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
        'verify',
      ])
      .catch(() => undefined);
    if (key) keys.set(kid, key);
  }
  return keys;
}

/** The key for `kid`: from the cache while fresh, else fetched; an unknown id refetches once (rate-limited). */
async function keyFor(kid: string, rules: TokenRules, deps: TokenDeps): Promise<CryptoKey | undefined> {
  let set = cache.get(rules.certsUrl);
  if (!set || deps.nowMs - set.fetchedAt >= KEYS_LIFETIME_MS) {
    set = { keys: await fetchKeys(rules.certsUrl, deps), fetchedAt: deps.nowMs };
    cache.set(rules.certsUrl, set);
    return set.keys.get(kid);
  }
  const known = set.keys.get(kid);
  if (known || (set.refetchedAt !== undefined && deps.nowMs - set.refetchedAt < REFETCH_MIN_MS)) return known;
  const next: KeySet = { keys: await fetchKeys(rules.certsUrl, deps), fetchedAt: deps.nowMs, refetchedAt: deps.nowMs };
  cache.set(rules.certsUrl, next);
  return next.keys.get(kid);
}

/** Check signature, issuer, audience and lifetime; return the claims. Bad tokens throw 401, a failing key server 503. */
export async function verifyToken(token: string, rules: TokenRules, deps: TokenDeps): Promise<Record<string, unknown>> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw bad('it is not a signed JWT');
  const [head, body, signature] = parts as [string, string, string];
  const header = decodeJson(head, 'header');
  if (header.alg !== 'RS256') throw bad(`its algorithm is ${JSON.stringify(header.alg)}, not RS256`);
  if (typeof header.kid !== 'string') throw bad('it names no signing key (kid)');
  const key = await keyFor(header.kid, rules, deps);
  if (!key) throw bad('it was signed by a key the team does not publish');
  const signed = new TextEncoder().encode(`${head}.${body}`);
  let signatureBytes: Uint8Array<ArrayBuffer>;
  try {
    signatureBytes = decodeSegment(signature);
  } catch {
    throw bad('its signature is not base64url');
  }
  if (!(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signatureBytes, signed)))
    throw bad('its signature does not match');
  const claims = decodeJson(body, 'payload');
  const now = deps.nowMs / 1000;
  if (claims.iss !== rules.issuer) throw bad('it was issued for another team domain');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(rules.audience)) throw bad('it is for another Access application (audience)');
  if (typeof claims.exp !== 'number' || claims.exp + LEEWAY_SECONDS <= now) throw bad('it has expired; sign in again');
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_SECONDS > now) throw bad('it is not valid yet');
  return claims;
}
