import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { createApp } from '../../src/app';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

async function operations() {
  const doc = await call('GET', '/openapi.json');
  expectStatus(doc, 200);
  const ops: { method: string; path: string; op: any }[] = [];
  for (const [path, item] of Object.entries<any>(doc.body.paths)) {
    for (const method of METHODS) if (item[method]) ops.push({ method, path, op: item[method] });
  }
  return { doc: doc.body, ops };
}

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with servers from the request URL and an x-api-key scheme', async () => {
    const { doc } = await operations();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'http://hezlep.test' }]);
    expect(doc.components.securitySchemes.ApiKeyAuth).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    expect(doc.security).toEqual([{ ApiKeyAuth: [] }]);
  });

  it('gives every operation a unique camelCase operationId, a summary and a description a GPT Action accepts', async () => {
    const { ops } = await operations();
    expect(ops.length).toBeGreaterThan(5);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size, `duplicate operationIds: ${ids}`).toBe(ids.length);
    for (const { method, path, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(op.summary, where).toBeTruthy();
      expect(op.description, where).toBeTruthy();
      expect(op.description.length, `${where} description is ${op.description.length} characters`).toBeLessThanOrEqual(
        300,
      );
    }
  });

  it('documents the shared problem responses on every authenticated operation', async () => {
    const { ops } = await operations();
    for (const { method, path, op } of ops) {
      if (Array.isArray(op.security) && op.security.length === 0) continue;
      for (const status of ['400', '401', '403', '500', '503']) {
        // The MCP transport answers malformed input with a JSON-RPC error, documented as such.
        if (status === '400' && path === '/mcp') continue;
        expect(
          op.responses[status]?.content?.['application/problem+json'],
          `${method} ${path} lacks ${status}`,
        ).toBeTruthy();
      }
    }
  });

  it('documents every route the router serves and serves every documented operation (registry = router = document)', async () => {
    const app = createApp();
    // The two routes that serve the document itself are the only ones outside it.
    const undocumentedByDesign = new Set(['get /openapi.json', 'get /docs']);
    // Middleware is registered as ALL; every handler has a concrete method. Hono's :param is OpenAPI's {param}.
    // OPTIONS handlers answer browsers' CORS preflights for the OAuth endpoints (the protocol, not an operation).
    const served = new Set(
      app.routes
        .filter((route) => route.method !== 'ALL' && route.method !== 'OPTIONS')
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
        .filter((key) => !undocumentedByDesign.has(key)),
    );
    const registered = new Set(
      app.openAPIRegistry.definitions.flatMap((d) => (d.type === 'route' ? [`${d.route.method} ${d.route.path}`] : [])),
    );
    const { ops } = await operations();
    const documented = new Set(ops.map(({ method, path }) => `${method} ${path}`));
    expect(served.size).toBeGreaterThan(40);
    expect(
      [...served].filter((key) => !documented.has(key)),
      'served but not in /openapi.json',
    ).toEqual([]);
    expect(
      [...documented].filter((key) => !served.has(key)),
      'in /openapi.json but not served',
    ).toEqual([]);
    expect([...registered].sort(), 'the registry is what /openapi.json lists').toEqual([...documented].sort());
  });

  it('serves Swagger UI at /docs', async () => {
    const docs = await call('GET', '/docs');
    expectStatus(docs, 200);
    expect(docs.text).toContain('/openapi.json');
  });
});

describe('OpenAPI for the cursor and events routes', () => {
  it('documents them for a model (short descriptions); the WebSocket stays out of the GPT profile', async () => {
    const spec = await call('GET', '/openapi.json');
    expectStatus(spec, 200);
    const paths = spec.body.paths as Record<string, Record<string, { operationId: string; description: string }>>;
    const gpt = await call('GET', '/openapi.json?profile=gpt');
    expect((gpt.body.paths as Record<string, unknown>)['/ai/events']).toBeUndefined();
    const operations = [
      paths['/ai/cursor/session']?.post,
      paths['/ai/cursor/session']?.get,
      paths['/ai/events/ticket']?.post,
      paths['/ai/events']?.get,
      paths['/ai/context']?.get,
    ];
    expect(operations.map((op) => op?.operationId)).toEqual([
      'syncCursorSession',
      'listCursorSessions',
      'createEventTicket',
      'openEventStream',
      'getContext',
    ]);
    for (const op of operations) expect(op!.description.length, op!.operationId).toBeLessThanOrEqual(300);
  });
});
