import type { RateLimit } from './errors';
import type { GitHubTransport } from './transport';

/** How long the deployment remembers the last rate limit GitHub reported (status pages). */
const RATE_LIMIT_MEMORY_MS = 3_600_000;

const keyOf = (transport: GitHubTransport) => `${transport.options.cacheNamespace ?? 'github'}:ratelimit`;

/**
 * Keep the rate limit this client last saw in the answer cache, so status pages can report
 * it for the deployment; a no-op without a cache or before any answer.
 */
export async function rememberRateLimit(transport: GitHubTransport): Promise<void> {
  const { cache, log, defer } = transport.options;
  if (!transport.rateLimit || !cache) return;
  const write = cache
    .set(keyOf(transport), JSON.stringify(transport.rateLimit), RATE_LIMIT_MEMORY_MS)
    .catch((error: unknown) => {
      log?.warn('github rate limit write failed', { reason: String(error).slice(0, 200) });
    });
  if (defer) defer(write);
  else await write;
}

/** The rate limit last remembered for this deployment, or null. */
export async function rememberedRateLimit(transport: GitHubTransport): Promise<RateLimit | null> {
  const { cache } = transport.options;
  if (!cache) return null;
  try {
    const text = await cache.get(keyOf(transport));
    return text ? (JSON.parse(text) as RateLimit) : null;
  } catch {
    return null;
  }
}
