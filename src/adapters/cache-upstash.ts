import type { Redis } from '@upstash/redis/cloudflare';
import { upstashClient } from './upstash';
import type { AnswerCache } from '../cache/answer-cache';

/** Cached answers as plain Redis strings with a millisecond expiry (SET … PX). */
export class UpstashAnswerCache implements AnswerCache {
  readonly kind = 'upstash' as const;
  private readonly redis: Redis;

  constructor(settings: { url: string; token: string }) {
    this.redis = upstashClient(settings, 1);
  }

  async get(key: string): Promise<string | null> {
    const value = await this.redis.get<string>(key);
    return value ?? null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(key, value, { px: Math.max(1, Math.round(ttlMs)) });
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }
}
