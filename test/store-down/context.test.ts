import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../support/http';

// This project's Worker and objects keep the context on an Upstash where nothing listens (test/vitest.config.ts, 'store-down').
describe('/ai/context when the context store is down', () => {
  it('answers 503 store_unavailable and audits nothing', async () => {
    const e = { PROJECT_ID: `ctx-${crypto.randomUUID().slice(0, 12)}` };
    expectProblem(await call('GET', '/ai/context', { as: 'human', env: e }), 503, 'store_unavailable');
    const put = await call('PUT', '/ai/context', { as: 'human', env: e, body: { branch: 'x' } });
    expectProblem(put, 503, 'store_unavailable');
    expect(put.text).not.toMatch(/ECONNREFUSED|stack|at /);
    const audit = await call('GET', `/ai/audit?target=${encodeURIComponent(`context:${e.PROJECT_ID}`)}`, {
      as: 'human',
    });
    expect(audit.body.entries).toEqual([]);
  });
});
