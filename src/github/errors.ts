import { ApiError } from '../errors';

/** What GitHub said about the rate limit in its last answer. */
export interface RateLimit {
  limit: number;
  remaining: number;
  used?: number;
  /** ISO time the window resets. */
  resetAt: string;
  resource?: string;
}

export type Headers_ = Record<string, string | number | undefined>;

function header(headers: Headers_, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return value === undefined ? undefined : String(value);
}

export function readRateLimit(headers: Headers_): RateLimit | null {
  const remaining = header(headers, 'x-ratelimit-remaining');
  const limit = header(headers, 'x-ratelimit-limit');
  const reset = header(headers, 'x-ratelimit-reset');
  if (remaining === undefined || limit === undefined || reset === undefined) return null;
  const used = header(headers, 'x-ratelimit-used');
  return {
    limit: Number(limit),
    remaining: Number(remaining),
    ...(used !== undefined ? { used: Number(used) } : {}),
    resetAt: new Date(Number(reset) * 1000).toISOString(),
    ...(header(headers, 'x-ratelimit-resource') ? { resource: header(headers, 'x-ratelimit-resource') } : {}),
  };
}

/** A failed exchange with GitHub, reduced to what the mapping needs (no request, no token). */
export interface GitHubFailure {
  /** HTTP status, or null when GitHub could not be reached (DNS, refused, timeout). */
  status: number | null;
  headers: Headers_;
  /** GitHub's `message`, or the network error's text. */
  message: string;
}

/**
 * The one place GitHub failures become API problems:
 * - primary limit (403/429 with x-ratelimit-remaining 0) -> 429, retryAfter until reset;
 * - secondary limit (retry-after, or the documented "secondary rate limit" message) -> 429;
 * - 404 -> not_found naming what was asked for (and GitHub's reason when it says more than "Not Found");
 * - 401 -> 502 (the configured token is refused);
 * - 422 on a read -> validation_failed with GitHub's reason (the caller's query was refused);
 *   422 on a write -> 502 explained (GitHub refused the action, e.g. a dispatch to a missing ref);
 * - other 4xx -> 502 explained; 5xx -> 502; unreachable -> 503.
 */
export function mapGitHubFailure(
  failure: GitHubFailure,
  subject: string,
  nowMs = Date.now(),
  exchange: 'read' | 'write' = 'read',
): ApiError {
  const { status, headers } = failure;
  const message = failure.message.slice(0, 300);
  // Logged by app.onError for 5xx answers: status, GitHub's message and the subject, never the request.
  const internal = new Error(`GitHub ${status ?? 'unreachable'} for ${subject}: ${message}`);
  internal.name = 'GitHubFailure';
  if (status === null) {
    return new ApiError('upstream_unavailable', `GitHub could not be reached for ${subject}; try again shortly.`, {
      internal,
    });
  }
  if (status === 403 || status === 429) {
    const retryAfterHeader = header(headers, 'retry-after');
    const remaining = header(headers, 'x-ratelimit-remaining');
    const secondary = retryAfterHeader !== undefined || /secondary rate limit|abuse/i.test(message);
    if (remaining === '0' || secondary || status === 429) {
      let retryAfter: number;
      if (retryAfterHeader !== undefined && Number.isFinite(Number(retryAfterHeader))) {
        retryAfter = Math.max(1, Math.ceil(Number(retryAfterHeader)));
      } else if (remaining === '0' && header(headers, 'x-ratelimit-reset')) {
        retryAfter = Math.max(1, Math.ceil(Number(header(headers, 'x-ratelimit-reset')) - nowMs / 1000));
      } else {
        // GitHub's guidance for a secondary limit without retry-after: wait at least a minute.
        retryAfter = 60;
      }
      const kind = remaining === '0' && !retryAfterHeader ? 'primary' : 'secondary';
      return new ApiError(
        'rate_limited',
        kind === 'primary'
          ? `GitHub's rate limit for the configured token is used up; it resets in ${retryAfter} s.`
          : `GitHub's secondary rate limit was hit (too many requests in a short time); retry after ${retryAfter} s.`,
        { extra: { retryAfter, limit: kind }, headers: { 'retry-after': String(retryAfter) }, internal },
      );
    }
    return new ApiError(
      'upstream_error',
      `GitHub refused access to ${subject} (403): the configured token lacks permission.`,
      { internal },
    );
  }
  if (status === 404) {
    const reason = message && !/^not found$/i.test(message.trim()) ? ` (${message})` : '';
    return new ApiError('not_found', `GitHub has no ${subject}${reason}, or the configured token cannot see it.`, {
      internal,
    });
  }
  if (status === 401) {
    return new ApiError(
      'upstream_error',
      'GitHub refused the configured token (401 Bad credentials); an operator must replace GITHUB_TOKEN.',
      { internal },
    );
  }
  if (status === 422 && exchange === 'write') {
    return new ApiError('upstream_error', `GitHub refused the request for ${subject} (422: ${message}).`, { internal });
  }
  if (status === 422) {
    return new ApiError('validation_failed', `GitHub could not process the request for ${subject}: ${message}`, {
      internal,
    });
  }
  if (status === 409) {
    return new ApiError(
      'upstream_error',
      `GitHub reports a conflict for ${subject}: ${message} (an empty repository answers this way).`,
      { internal },
    );
  }
  if (status >= 500) {
    return new ApiError(
      'upstream_error',
      `GitHub failed (${status}) for ${subject}; it is having trouble, try again shortly.`,
      { internal },
    );
  }
  return new ApiError('upstream_error', `GitHub answered ${status} for ${subject}: ${message}`, { internal });
}
