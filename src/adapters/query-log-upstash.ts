import type { Redis } from '@upstash/redis/cloudflare';
import { upstashClient } from './upstash';
import type { QueryLogStore, RecordedQuery } from '../queries/log';

/** A capped Redis list `hezlep:{project}:gpt-queries`, newest at the head. */
export class UpstashQueryLogStore implements QueryLogStore {
  readonly kind = 'upstash' as const;
  private readonly redis: Redis;

  constructor(settings: { url: string; token: string }) {
    this.redis = upstashClient(settings, 0);
  }

  private key(project: string): string {
    return `hezlep:${project}:gpt-queries`;
  }

  async append(project: string, entry: RecordedQuery, capacity: number): Promise<void> {
    // One transaction, so the list never grows past its capacity between the push and the trim.
    await this.redis
      .multi()
      .lpush(this.key(project), JSON.stringify(entry))
      .ltrim(this.key(project), 0, capacity - 1)
      .exec();
  }

  async recent(project: string, limit: number): Promise<RecordedQuery[]> {
    const rows = await this.redis.lrange<string>(this.key(project), 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as RecordedQuery);
  }
}
