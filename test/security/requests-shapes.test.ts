import { env as workerEnv, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { call } from '../support/http';
import { TEST_KEYS } from '../support/keys';
import { openApiDocument } from '../support/contract';
import { ERROR_CODES } from '../../src/errors';
import type { TestIdentity } from '../support/keys';

/**
 * Request shapes a client may send to every write route in /openapi.json, whatever its body schema:
 * no body at all, an empty body, a body of the wrong media type, numbers JSON cannot round-trip.
 * None is a 500; every refusal is problem+json with a code from the closed set.
 */

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
const CODES = new Set<string>(ERROR_CODES);

async function writeRoutes(): Promise<{ method: string; template: string; hasBody: boolean }[]> {
  const { document } = await openApiDocument();
  const routes: { method: string; template: string; hasBody: boolean }[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!WRITE_METHODS.includes(method)) continue;
      routes.push({
        method: method.toUpperCase(),
        template,
        hasBody: Boolean((operation as { requestBody?: unknown }).requestBody),
      });
    }
  }
  return routes;
}

const pathOf = (template: string) => template.replace(/\{[^}]+\}/g, crypto.randomUUID());

function expectRefusalOrSuccess(
  label: string,
  result: { status: number; text: string; headers: Headers; body: any },
): void {
  // 501 not_configured is a documented answer (no repository, no webhook secret here), not a failure.
  expect([500, 502, 503], `${label}: ${result.text.slice(0, 500)}`).not.toContain(result.status);
  if (result.status >= 400 && !label.includes('/mcp')) {
    expect(result.headers.get('content-type'), label).toContain('application/problem+json');
    expect(CODES.has(result.body.code), `${label}: code ${result.body.code}`).toBe(true);
  }
}

describe('every write route, every body shape', () => {
  const shapes: { name: string; rawBody?: string; headers?: Record<string, string> }[] = [
    { name: 'no body, no content type' },
    { name: 'no body, JSON content type', headers: { 'content-type': 'application/json' } },
    { name: 'empty body, no content type', rawBody: '' },
    { name: 'text body, no content type', rawBody: 'hello' },
    { name: 'form body', rawBody: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { name: 'JSON null', rawBody: 'null', headers: { 'content-type': 'application/json' } },
    { name: 'a number JSON cannot hold', rawBody: '{"n":1e400}', headers: { 'content-type': 'application/json' } },
  ];
  for (const shape of shapes) {
    it(`${shape.name}: a 4xx problem+json or a success, never a 500`, async () => {
      const env = { PROJECT_ID: `rs-${crypto.randomUUID().slice(0, 12)}` };
      const routes = await writeRoutes();
      expect(routes.length).toBeGreaterThan(8);
      for (const route of routes) {
        // Maintenance jobs act on shared state: the gpt key reaches their refusals only.
        const as: TestIdentity = route.template.startsWith('/ai/maintenance') ? 'gpt' : 'human';
        const label = `${route.method} ${route.template} (${shape.name})`;
        const result = await call(route.method, pathOf(route.template), {
          as,
          env,
          ...(shape.rawBody === undefined ? {} : { rawBody: shape.rawBody }),
          ...(shape.headers ? { headers: shape.headers } : {}),
        });
        expectRefusalOrSuccess(label, result);
      }
    });
  }
});

/** A request as an HTTP client sends it with no body and no content type: an empty stream, length unknown. */
async function sendEmptyStream(method: string, path: string, env: Record<string, unknown>, length?: string) {
  const headers = new Headers({ 'x-api-key': TEST_KEYS.human });
  if (length !== undefined) headers.set('content-length', length);
  const body = new ReadableStream({
    start(controller) {
      controller.close();
    },
  });
  const request = new Request(`http://hezlep.test${path}`, { method, headers, body, duplex: 'half' } as RequestInit);
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, { ...workerEnv, ...env }, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, text, body: parsed as any };
}

describe('a write with no body, as an HTTP client sends it (an empty stream)', () => {
  it('every write route answers 4xx problem+json or success, never "Body has already been used"', async () => {
    const env = { PROJECT_ID: `rs-${crypto.randomUUID().slice(0, 12)}` };
    const routes = (await writeRoutes()).filter((r) => !r.template.startsWith('/ai/maintenance'));
    for (const route of routes) {
      for (const length of [undefined, '0']) {
        const result = await sendEmptyStream(route.method, pathOf(route.template), env, length);
        expectRefusalOrSuccess(
          `${route.method} ${route.template} (empty stream, length ${length ?? 'unknown'})`,
          result,
        );
      }
    }
    const propose = await sendEmptyStream('POST', '/ai/intents', env);
    expect(propose.status, propose.text).toBe(400);
    expect(propose.body.code).toBe('validation_failed');
  });
});
