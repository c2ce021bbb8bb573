/**
 * Where Cloudways access tokens are kept between requests. The default keeps
 * them in isolate memory: a token is plain data (no I/O object), so reusing it
 * across requests is safe on Workers; at worst each isolate fetches one token
 * per hour, and no secret is ever written to a store.
 */
export interface TokenCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, token: string, expiresAtMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

const isolateTokens = new Map<string, { token: string; expiresAt: number }>();

export class IsolateTokenCache implements TokenCache {
  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | undefined> {
    const entry = isolateTokens.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      isolateTokens.delete(key);
      return undefined;
    }
    return entry.token;
  }

  async set(key: string, token: string, expiresAtMs: number): Promise<void> {
    if (isolateTokens.size > 100) isolateTokens.clear();
    isolateTokens.set(key, { token, expiresAt: expiresAtMs });
  }

  async delete(key: string): Promise<void> {
    isolateTokens.delete(key);
  }
}

/** The cache key names the account without holding its key: a hash of URL, email and API key. */
export async function tokenCacheKey(apiUrl: string, email: string, apiKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${apiUrl}\n${email}\n${apiKey}`));
  return `cloudways:${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
