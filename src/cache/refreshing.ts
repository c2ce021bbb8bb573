import type { AnswerCache } from './answer-cache';

/**
 * The cache as a refresh sees it: every read misses, so each answer (and each ETag) is
 * produced afresh, and every write lands, so the next reader gets the fresh one.
 */
export function refreshing(cache: AnswerCache): AnswerCache {
  return {
    kind: cache.kind,
    get: async () => null,
    set: (key, value, ttlMs) => cache.set(key, value, ttlMs),
    delete: (key) => cache.delete(key),
  };
}
