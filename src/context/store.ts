import { ApiError } from '../errors';
import type { StoredContext } from './snapshot';

export interface ContextRead {
  /** The live snapshot, or null when none was written or it expired. */
  current: StoredContext | null;
  /** The highest version ever written, so versions keep growing across expiry and clears. */
  lastVersion: number;
}

export type WriteOutcome = { ok: true } | { ok: false; currentVersion: number };

/**
 * The port behind the shared working context. Writes are compare-and-set on the
 * live version (0 means "no live context"), so a store never loses a newer value.
 */
export interface ContextStore {
  readonly kind: 'upstash' | 'durable-object';
  read(project: string): Promise<ContextRead>;
  write(project: string, next: StoredContext, expectedVersion: number, ttlMs: number): Promise<WriteOutcome>;
  clear(project: string, expectedVersion: number): Promise<WriteOutcome>;
}

/**
 * A store's failure as its caller reports it: a typed error passes as it is; anything else becomes 503
 * `store_unavailable`, saying what it means for the caller's change (`consequence`), the cause in the log only.
 */
export function storeUnavailable(store: string, consequence: string, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('store_unavailable', `The ${store} is unavailable; ${consequence}.`, { internal: error });
}

/** Run a call to a store (context or Cursor sessions); its failure reaches the caller as `storeUnavailable` says. */
export async function storeCall<T>(store: string, consequence: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeUnavailable(store, consequence, error);
  }
}
