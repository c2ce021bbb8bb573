import type { Context, Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { markInternal } from '../auth/internal';
import type { Caller } from '../auth/keys';
import type { Problem } from '../errors';

/** One request to the API, as a tool, a resource or a prompt needs it. */
export interface AppCall {
  method: string;
  /** The path with its parameters filled in. */
  path: string;
  query?: URLSearchParams;
  /** Sent as JSON when present. */
  body?: unknown;
}

export interface AppAnswer {
  status: number;
  ok: boolean;
  /** The parsed body when the answer is JSON. */
  json: unknown;
  text: string;
  /** The problem body when the answer is application/problem+json. */
  problem?: Problem;
}

export type CallApp = (call: AppCall) => Promise<AppAnswer>;

/**
 * Calls the API through the same app with the caller's own key (or, for an OAuth connection, as the caller its
 * token stood for: the token is bound to /mcp and never forwarded), so authentication, client rules,
 * validation, policy, audit, metrics and the GPT query log are exactly those of the REST call.
 * Each call sends `x-request-id: <MCP request id>.<n>`, logged as its clientRequestId, which ties the two together.
 */
export function appCaller(app: Hono<AppEnv>, c: Context<AppEnv>, credential: string | Caller): CallApp {
  const origin = new URL(c.req.url).origin;
  let calls = 0;
  return async (call) => {
    const url = new URL(call.path, origin);
    if (call.query) url.search = call.query.toString();
    const headers = new Headers({
      ...(typeof credential === 'string' ? { 'x-api-key': credential } : {}),
      accept: 'application/json',
      'x-request-id': `${c.var.requestId}.${++calls}`,
    });
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers.set('content-type', 'application/json');
    }
    const request = new Request(url, { method: call.method.toUpperCase(), headers, body });
    if (typeof credential !== 'string')
      markInternal(request, { caller: credential, refreshCache: false, onBehalf: true });
    const response = await app.fetch(request, c.env, c.executionCtx);
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let json: unknown;
    if (/json/.test(contentType)) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const problem = contentType.includes('application/problem+json') ? (json as Problem | undefined) : undefined;
    return { status: response.status, ok: response.ok, json, text, ...(problem ? { problem } : {}) };
  };
}
