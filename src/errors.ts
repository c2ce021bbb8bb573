import { z } from '@hono/zod-openapi';

/**
 * The closed set of error codes. Every refusal the API makes carries one of
 * these, so clients (and models) can branch on `code` without parsing prose.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  client_mismatch: 403,
  client_not_allowed: 403,
  repo_not_allowed: 403,
  policy_denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  version_conflict: 409,
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  rate_limited: 429,
  internal: 500,
  not_configured: 501,
  upstream_error: 502,
  upstream_unavailable: 503,
  ledger_unavailable: 503,
  store_unavailable: 503,
  misconfigured: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'Request failed validation',
  malformed_json: 'Malformed JSON body',
  unauthenticated: 'Missing or unknown API key',
  forbidden: 'Forbidden',
  client_mismatch: 'x-client-id does not match the API key',
  client_not_allowed: 'This client may not call this operation',
  repo_not_allowed: 'Repository is not in the allow-list',
  policy_denied: 'Denied by policy',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  version_conflict: 'Version conflict',
  invalid_state: 'Invalid state for this operation',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  upgrade_required: 'Upgrade required',
  rate_limited: 'Rate limited',
  internal: 'Internal error',
  not_configured: 'Not configured',
  upstream_error: 'Upstream service error',
  upstream_unavailable: 'Upstream service unavailable',
  ledger_unavailable: 'Audit ledger unavailable',
  store_unavailable: 'Context store unavailable',
  misconfigured: 'Service misconfigured',
};

export interface ApiErrorOptions {
  /** Extra machine-readable members placed on the problem body (e.g. `retryAfter`, `issues`). */
  extra?: Record<string, unknown>;
  /** Detail for the log only; never sent to the caller. */
  internal?: unknown;
  headers?: Record<string, string>;
}

/** The one error type routes and domain services throw; `app.onError` renders it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra?: Record<string, unknown>;
  readonly internal?: unknown;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, detail: string, options: ApiErrorOptions = {}) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.extra = options.extra;
    this.internal = options.internal;
    this.headers = options.headers;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  [extra: string]: unknown;
}

export function problemBody(error: ApiError, requestId: string): Problem {
  return {
    ...error.extra,
    type: `https://hezlep.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: TITLES[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId,
  };
}

export function problemResponse(error: ApiError, requestId: string): Response {
  const headers = new Headers(error.headers);
  headers.set('content-type', 'application/problem+json');
  headers.set('x-request-id', requestId);
  return new Response(JSON.stringify(problemBody(error, requestId)), { status: error.status, headers });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(ERROR_CODES),
    requestId: z.string(),
  })
  .passthrough()
  .openapi('Problem');

function problemContent(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}

/** Spread into every route's `responses` so the spec and the code agree on errors. */
export const errorResponses = {
  400: problemContent('The request was malformed or failed validation (`validation_failed`, `malformed_json`).'),
  401: problemContent('No API key, an unknown one, or an invalid Cloudflare Access sign-in (`unauthenticated`).'),
  403: problemContent('The key may not do this (`client_mismatch`, `client_not_allowed`, `forbidden`).'),
  413: problemContent('The body is larger than this operation accepts (`payload_too_large`).'),
  415: problemContent('The body is not `application/json` (`unsupported_media_type`).'),
  500: problemContent('Unexpected error; the detail is in the service log under the request id.'),
  503: problemContent(
    'A backend (ledger, context store, upstream) is unavailable. Any other code here changed nothing; `ledger_unavailable` on a change means it may or may not have been recorded: read it back before retrying.',
  ),
} as const;

export const notFoundResponse = { 404: problemContent('The named resource does not exist (`not_found`).') } as const;
export const conflictResponse = {
  409: problemContent('The resource changed since you read it (`version_conflict`, `invalid_state`).'),
} as const;
export const upstreamResponses = {
  429: problemContent('An upstream rate limit was hit; retry after `retryAfter` seconds (`rate_limited`).'),
  502: problemContent('An upstream service answered with an error (`upstream_error`).'),
} as const;
export const notConfiguredResponse = {
  501: problemContent('The backend this operation needs is not configured (`not_configured`).'),
} as const;
