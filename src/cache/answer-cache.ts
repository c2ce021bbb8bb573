/**
 * The port behind short-lived cached answers (GitHub responses, their ETags, shaped
 * answers). Kept in the same backend as the context store. Values are strings the
 * caller encodes; a miss, an expired entry and an unreachable backend all read as null
 * through `CachedAnswers`, so a cache outage never fails a request.
 */
export interface AnswerCache {
  readonly kind: 'upstash' | 'durable-object';
  get(key: string): Promise<string | null>;
  /** Store `value` for `ttlMs` milliseconds, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Largest value worth caching; bigger answers are simply not cached. */
export const MAX_CACHED_VALUE_CHARS = 512 * 1024;
