import { ApiError, type ErrorCode } from '../errors';
import { describeError, type Logger } from '../lib/log';

/** What crosses the RPC boundary instead of a thrown error: Durable Object RPC keeps only an error's message. */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; detail: string; extra?: Record<string, unknown> } };

/** Object side: run `work`; a typed error travels as data, anything else is logged here and becomes `internal`. */
export async function outcomeOf<T>(log: Logger, work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) {
      if (error.internal !== undefined)
        log.warn('ledger operation failed', { code: error.code, cause: describeError(error.internal) });
      return {
        ok: false,
        error: { code: error.code, detail: error.message, ...(error.extra ? { extra: error.extra } : {}) },
      };
    }
    log.error('ledger operation failed unexpectedly', describeError(error));
    return { ok: false, error: { code: 'internal', detail: 'Internal error in the ledger.' } };
  }
}

/** Worker side: the value, or the object's error as the ApiError it was. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ApiError(
    outcome.error.code,
    outcome.error.detail,
    outcome.error.extra ? { extra: outcome.error.extra } : {},
  );
}
