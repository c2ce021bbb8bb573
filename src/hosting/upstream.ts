import { ApiError } from '../errors';

/** How a call to an upstream host went, for health reports. */
export type UpstreamOutcome =
  | { kind: 'answered'; response: Response; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'unreachable'; ms: number; error: unknown };

/**
 * One upstream HTTP call that never outlives `timeoutMs`. Health checks use the
 * outcome; operations turn it into an ApiError with `throwForOutcome`.
 */
export async function callUpstream(url: string, init: RequestInit, timeoutMs: number): Promise<UpstreamOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return { kind: 'answered', response, ms: elapsed(started) };
  } catch (error) {
    if (controller.signal.aborted) return { kind: 'timeout', ms: elapsed(started) };
    return { kind: 'unreachable', ms: elapsed(started), error };
  } finally {
    clearTimeout(timer);
  }
}

/** Read a JSON body within the same deadline (a host can stall mid-body too). */
export async function readJson<T>(response: Response, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamBodyTimeout()), timeoutMs);
  });
  try {
    return (await Promise.race([response.json(), deadline])) as T;
  } finally {
    clearTimeout(timer);
  }
}

export class UpstreamBodyTimeout extends Error {
  constructor() {
    super('upstream body did not arrive in time');
  }
}

const slowErrors = new WeakSet<object>();

/** True for the error of a call that ran out of time: a slow host, reported as degraded rather than down. */
export function isSlowUpstream(error: unknown): boolean {
  return typeof error === 'object' && error !== null && slowErrors.has(error);
}

export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/**
 * The house translation of an upstream failure: timeout or unreachable -> 503,
 * 429 -> rate_limited, other 4xx explained, 5xx -> 502.
 */
export function upstreamError(service: string, outcome: UpstreamOutcome, timeoutMs: number): ApiError {
  if (outcome.kind === 'timeout') {
    const error = new ApiError('upstream_unavailable', `${service} did not answer within ${timeoutMs} ms.`);
    slowErrors.add(error);
    return error;
  }
  if (outcome.kind === 'unreachable') {
    return new ApiError('upstream_unavailable', `${service} could not be reached.`, { internal: outcome.error });
  }
  const { status, headers } = outcome.response;
  if (status === 429) {
    const retryAfter = Number(headers.get('retry-after') ?? '60') || 60;
    return new ApiError('rate_limited', `${service} rate limit reached; retry after ${retryAfter} s.`, {
      extra: { retryAfter },
      headers: { 'retry-after': String(retryAfter) },
    });
  }
  if (status === 401 || status === 403) {
    return new ApiError(
      'upstream_error',
      `${service} refused the configured credentials (HTTP ${status}); check them.`,
    );
  }
  if (status >= 400 && status < 500)
    return new ApiError('upstream_error', `${service} rejected the request (HTTP ${status}).`);
  return new ApiError('upstream_error', `${service} answered with an error (HTTP ${status}).`);
}
