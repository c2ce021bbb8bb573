import { env, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createApp, type App } from '../../src/app';
import { TEST_KEYS, type TestIdentity } from './keys';
import { refuseObjectSettings } from './http';

export const MCP_URL = 'http://hezlep.test/mcp';

export interface McpTestOptions {
  /** Bindings over the test env (a fresh PROJECT_ID, a GitHub stand-in…). */
  env?: Record<string, unknown>;
  /** Send the key as `Authorization: Bearer` instead of `x-api-key`. */
  bearer?: boolean;
  /** The app to call (one with extra routes); a fresh one by default. */
  app?: App;
}

/**
 * A fetch into the real app inside workerd that waits for the request's background work
 * (audit, metrics, the GPT query log) before answering, so what a call wrote can be read next.
 */
export function appFetch(options: McpTestOptions = {}): typeof fetch {
  const app = options.app ?? createApp();
  if (options.env) refuseObjectSettings(options.env);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(input, init), { ...env, ...options.env }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }) as typeof fetch;
}

function keyOf(as: TestIdentity | { key: string }): string {
  return typeof as === 'string' ? TEST_KEYS[as] : as.key;
}

/** The official SDK client, connected over Streamable HTTP with the identity's key. */
export async function mcpClient(as: TestIdentity | { key: string }, options: McpTestOptions = {}): Promise<Client> {
  const key = keyOf(as);
  const headers: Record<string, string> = options.bearer ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    requestInit: { headers },
    fetch: appFetch(options),
  });
  const client = new Client({ name: 'hezlep-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** A raw JSON-RPC POST, for input no SDK client would send. */
export async function postMcp(
  body: string,
  as: TestIdentity | { key: string } | null,
  options: McpTestOptions & { headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...options.headers,
  };
  if (as !== null) headers['x-api-key'] = keyOf(as);
  const response = await appFetch(options)(MCP_URL, { method: 'POST', headers, body });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The structured result of a tool call, failing (with the content) when there is none. */
export function structured(result: unknown): Record<string, any> {
  const r = result as CallToolResult;
  expect(r.structuredContent, JSON.stringify(r.content).slice(0, 1000)).toBeTruthy();
  return r.structuredContent as Record<string, any>;
}

/** A tool call refused the way REST refuses: isError, a problem with `code`, and the code in the text. */
export function expectToolError(result: unknown, code: string): void {
  const r = result as CallToolResult;
  expect(r.isError, JSON.stringify(r).slice(0, 1000)).toBe(true);
  expect(r.structuredContent).toMatchObject({ code, title: expect.any(String), detail: expect.any(String) });
  expect((r.content[0] as { text: string }).text).toContain(code);
}
