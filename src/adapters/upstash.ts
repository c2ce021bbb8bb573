import { Redis } from '@upstash/redis/cloudflare';

export interface UpstashSettings {
  url: string;
  token: string;
}

/**
 * One way to build an Upstash client for every adapter: values are JSON the
 * adapters encode themselves, so the client must not guess types; no telemetry.
 * `retries` is per adapter: a cache prefers a quick miss to a slow retry loop.
 */
export function upstashClient(settings: UpstashSettings, retries = 2): Redis {
  return new Redis({
    url: settings.url,
    token: settings.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: retries > 0 ? { retries, backoff: (attempt) => 50 * 2 ** attempt } : false,
  });
}
