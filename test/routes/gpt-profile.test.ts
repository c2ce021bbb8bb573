import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { GPT_OPERATIONS } from '../../src/routes/gpt-profile';

type Operation = {
  operationId: string;
  description?: string;
  'x-openai-isConsequential'?: boolean;
  parameters?: { in: string }[];
  responses: Record<string, unknown>;
};

function operations(doc: { paths: Record<string, Record<string, Operation>> }) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
}

describe('GET /openapi.json?profile=gpt', () => {
  it('serves exactly the listed operations, at most 30, with consequential flags on changes', async () => {
    const result = await call('GET', '/openapi.json?profile=gpt');
    expectStatus(result, 200);
    const ops = operations(result.body);
    expect(ops.length).toBeLessThanOrEqual(30);
    expect(ops.map((o) => o.op.operationId).sort()).toEqual([...GPT_OPERATIONS].sort());
    for (const { method, op } of ops) {
      expect(op['x-openai-isConsequential'], op.operationId).toBe(method !== 'get');
      expect(op.description!.length, op.operationId).toBeLessThanOrEqual(300);
    }
    expect(ops.find((o) => o.op.operationId === 'replaceContext')!.op['x-openai-isConsequential']).toBe(true);
    expect(ops.map((o) => o.op.operationId)).not.toContain('runMaintenanceJob');
    expect(result.body.servers).toEqual([{ url: 'http://hezlep.test' }]);
    expect(result.body.components.securitySchemes.ApiKeyAuth).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
  });

  it('describes every parameter and tags every operation', async () => {
    const result = await call('GET', '/openapi.json?profile=gpt');
    for (const { op } of operations(result.body)) {
      const described = op as Operation & { parameters?: { name: string; description?: string }[]; tags?: string[] };
      for (const parameter of described.parameters ?? [])
        expect(parameter.description, `${op.operationId}.${parameter.name}`).toBeTruthy();
      expect(described.tags?.length, op.operationId).toBe(1);
    }
  });

  it('names PUBLIC_URL as its server when configured', async () => {
    const result = await call('GET', '/openapi.json?profile=gpt', { env: { PUBLIC_URL: 'https://hezlep.dev' } });
    expect(result.body.servers).toEqual([{ url: 'https://hezlep.dev' }]);
    expectProblem(
      await call('GET', '/openapi.json', { env: { PUBLIC_URL: 'http://hezlep.dev' }, uncontracted: true }),
      503,
      'misconfigured',
    );
  });

  it('keeps every referenced schema and drops the rest', async () => {
    const result = await call('GET', '/openapi.json?profile=gpt');
    const refs = [...result.text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    const schemas = Object.keys(result.body.components.schemas);
    for (const ref of refs) expect(schemas, ref).toContain(ref);
    expect(schemas).not.toContain('MaintenanceReport');
    expect(schemas).toContain('Problem');
  });

  it('every listed read answers the gpt key with a status it documents, never a refusal or a failure', async () => {
    const result = await call('GET', '/openapi.json?profile=gpt');
    for (const { path, method, op } of operations(result.body)) {
      if (method !== 'get' || op.parameters?.some((p) => p.in === 'path')) continue;
      const answer = await call('GET', path, { as: 'gpt' });
      const why = `${op.operationId} answered ${answer.status}: ${answer.text.slice(0, 300)}`;
      // A status the operation documents (so a model reading the spec knows it)...
      expect(Object.keys(op.responses), why).toContain(String(answer.status));
      // ...and not one that means the gpt key was refused or the service failed: 501 (not configured here)
      // and 4xx (required parameters left out) are answers; 401/403/5xx other than 501 are not.
      expect([401, 403, 500, 502, 503], why).not.toContain(answer.status);
    }
  });

  it('the full document keeps every operation, descriptions within 300 characters', async () => {
    const result = await call('GET', '/openapi.json');
    const ops = operations(result.body);
    expect(ops.map((o) => o.op.operationId)).toContain('runMaintenanceJob');
    for (const { op } of ops) expect(op.description?.length ?? 0, op.operationId).toBeLessThanOrEqual(300);
    // Where the full document flags an operation as consequential, it is one that changes state.
    for (const { method, op } of ops)
      if (op['x-openai-isConsequential'] === true) expect(method, op.operationId).not.toBe('get');
  });

  it('an unknown profile is refused', async () => {
    expectProblem(await call('GET', '/openapi.json?profile=nope'), 400, 'validation_failed');
  });
});
