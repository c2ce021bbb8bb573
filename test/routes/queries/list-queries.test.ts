import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { ListQueriesResponse } from '../../../src/routes/queries/list-queries';

describeAuthCases('GET', '/ai/queries', ['human']);

// `env` routes each call through a fresh app and waits for its background work, so the recording is done when `call` returns.
describe('GPT query log (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => ({ PROJECT_ID: `q-${crypto.randomUUID().slice(0, 12)}` });

  it('records what the gpt asked: route, parameters, status, result count and latency, newest first', async () => {
    const e = envFor();
    await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'feature/q' } });
    expectStatus(await call('GET', '/ai/context', { as: 'gpt', env: e }), 200);
    expectStatus(await call('GET', '/ai/audit?action=context.*&limit=5', { as: 'gpt', env: e }), 200);

    const log = await call<ListQueriesResponse>('GET', '/ai/queries', { as: 'human', env: e });
    expectStatus(log, 200);
    expect(log.body.queries, log.text).toHaveLength(2);
    const [audit, context] = log.body.queries;
    expect(audit).toMatchObject({
      method: 'GET',
      route: '/ai/audit',
      path: '/ai/audit',
      params: { action: 'context.*', limit: '5' },
      status: 200,
    });
    expect(audit!.resultCount).toBeGreaterThanOrEqual(1);
    expect(audit!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(context).toMatchObject({ route: '/ai/context', status: 200, resultCount: 1, params: {} });
    expect(Date.parse(audit!.at)).toBeGreaterThanOrEqual(Date.parse(context!.at));
  });

  it('records refusals too, and nothing from other clients', async () => {
    const e = envFor();
    await call('GET', '/ai/context', { as: 'human', env: e });
    await call('GET', '/ai/context', { as: 'cursor', env: e });
    expectProblem(await call('GET', '/ai/queries', { as: 'gpt', env: e }), 403, 'client_not_allowed');
    const log = await call<ListQueriesResponse>('GET', '/ai/queries', { as: 'human', env: e });
    expect(
      log.body.queries.map((q) => `${q.route} ${q.status}`),
      log.text,
    ).toEqual(['/ai/queries 403']);
    expect(log.body.queries[0]!.resultCount).toBeNull();
  });

  it('never records a secret passed in the query string', async () => {
    const e = envFor();
    await call('GET', '/ai/audit?token=super-secret-value&actor=gpt', { as: 'gpt', env: e });
    const log = await call<ListQueriesResponse>('GET', '/ai/queries', { as: 'human', env: e });
    expect(log.text).not.toContain('super-secret-value');
    expect(log.body.queries[0]!.params).toMatchObject({ token: '[withheld]', actor: 'gpt' });
  });

  it('honours limit', async () => {
    const e = envFor();
    for (let i = 0; i < 3; i++) await call('GET', '/ai/context', { as: 'gpt', env: e });
    const log = await call<ListQueriesResponse>('GET', '/ai/queries?limit=2', { as: 'human', env: e });
    expect(log.body.queries).toHaveLength(2);
    expectProblem(await call('GET', '/ai/queries?limit=0', { as: 'human', env: e }), 400, 'validation_failed');
  });
});
