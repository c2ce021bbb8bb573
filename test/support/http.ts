import { env, SELF, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import { createApp } from '../../src/app';
import { withLocalBindings } from '../../src/local/dev-entry';
import { TEST_KEYS, type TestIdentity } from './keys';
import { contractViolations } from './contract';
import { indexVars } from '../../src/code-index/config';
import { summaryVars } from '../../src/code-index/summary/config';

export interface CallOptions {
  as?: TestIdentity | { key: string };
  body?: unknown;
  /** Raw body text, sent as given (for malformed JSON tests). */
  rawBody?: string;
  headers?: Record<string, string>;
  /**
   * Extra or replaced bindings: the request goes to a fresh app with this env instead of SELF. Only the Worker
   * sees them, never the Durable Objects, so nothing an object reads (INTENT_POLICY, the index settings) may be among them.
   */
  env?: Record<string, unknown>;
  /** Skip the check against /openapi.json (only for requests that are deliberately outside the document). */
  uncontracted?: boolean;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Call the real Worker the way a client would, returning status, headers and parsed body. */
export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers = new Headers(options.headers);
  if (options.as !== undefined)
    headers.set('x-api-key', typeof options.as === 'string' ? TEST_KEYS[options.as] : options.as.key);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const request = new Request(`http://hezlep.test${path}`, { method, headers, body });
  let response: Response;
  if (options.env) {
    refuseObjectSettings(options.env);
    const ctx = createExecutionContext();
    response = await createApp().fetch(request, withLocalBindings({ ...env, ...options.env }), ctx);
    await waitOnExecutionContext(ctx);
  } else {
    response = await SELF.fetch(request);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  if (!options.uncontracted) {
    const contentType = response.headers.get('content-type');
    const json = /json/.test(contentType ?? '');
    const violations = await contractViolations(method, path, response.status, contentType, json ? parsed : text);
    expect(violations, `the response disagrees with /openapi.json: ${text.slice(0, 1000)}`).toEqual([]);
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * What the Worker reads alone, of the index section: which repositories to index (the object is told its repository),
 * the webhook secret, the secrets, and bindings. Everything else of it the repository index object reads from its env.
 */
const WORKER_ONLY_INDEX_VARS = new Set([
  'INDEX_REPOS',
  'GITHUB_WEBHOOK_SECRET',
  'GITHUB_TOKEN',
  'OPENAI_API_KEY',
  'DATABASE_WS_PROXY',
  'AI',
  'VECTORIZE',
  'LOCAL_VECTORIZE',
]);

/** The settings the repository index object reads from its own env (GitHub URL, embedder, vectors, limits, summaries, history, weights). */
export const INDEX_OBJECT_SETTINGS: readonly string[] = [
  ...Object.keys(indexVars.schema.shape),
  ...Object.keys(summaryVars.schema.shape),
].filter((name) => !WORKER_ONLY_INDEX_VARS.has(name));

/**
 * Objects read their configuration from their own env: a per-request value would reach the Worker only, so the Worker
 * and the object would disagree (the ledger object decides intents with its INTENT_POLICY; the index object runs and
 * ranks with its index settings). A test picks a kind or target of test/support/intent-policy.ts, or runs in the vitest
 * project that has the setting (test/support/index-settings.ts).
 */
export function refuseObjectSettings(env: Record<string, unknown>): void {
  if ('INTENT_POLICY' in env)
    throw new Error('INTENT_POLICY is the project-wide test policy (test/vitest.config.ts), not a per-request setting');
  const index = INDEX_OBJECT_SETTINGS.filter((name) => name in env);
  if (index.length)
    throw new Error(
      `${index.join(', ')}: the index object reads these from its own env; run the test in a vitest project that sets them (test/support/index-settings.ts), not per request`,
    );
}

/** Assert a status, showing the body when it is not what was expected. */
export function expectStatus(result: CallResult, status: number): void {
  expect(result.status, `expected ${status}, got ${result.status}: ${result.text.slice(0, 2000)}`).toBe(status);
}

/** Assert a problem+json refusal with the given status and code. */
export function expectProblem(result: CallResult, status: number, code: string): void {
  expectStatus(result, status);
  expect(result.headers.get('content-type')).toContain('application/problem+json');
  expect(result.body.code, result.text).toBe(code);
  expect(result.body.requestId).toBeTruthy();
  expect(result.headers.get('x-request-id')).toBe(result.body.requestId);
}
