import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { ListAuditResponse } from '../../../src/routes/audit/list-audit';

// The chain under concurrent writers and tamper detection: test/audit/ledger.test.ts.
describe('GET /ai/audit', () => {
  it('filters by actor, action prefix, target and time, newest first, with a cursor', async () => {
    const project = `aud-${crypto.randomUUID().slice(0, 8)}`;
    const target = `context:${project}`;
    const e = { PROJECT_ID: project };
    const before = new Date().toISOString();
    await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'a' } });
    await call('PATCH', '/ai/context', { as: 'cursor', env: e, body: { branch: 'b' } });
    await call('PATCH', '/ai/context', { as: 'gpt', env: e, body: { branch: 'c' } });
    await call('DELETE', '/ai/context', { as: 'human', env: e });

    const all = await call<ListAuditResponse>('GET', `/ai/audit?target=${target}`, { as: 'human' });
    expectStatus(all, 200);
    expect(all.body.entries.map((x) => x.action)).toEqual([
      'context.clear',
      'context.overwrite',
      'context.merge',
      'context.replace',
    ]);
    expect(all.body.truncated).toBe(false);
    expect(all.body.nextCursor).toBeNull();

    const byGpt = await call<ListAuditResponse>('GET', `/ai/audit?target=${target}&actor=gpt`, { as: 'gpt' });
    expect(byGpt.body.entries.map((x) => x.action)).toEqual(['context.overwrite']);

    const byPerson = await call<ListAuditResponse>('GET', `/ai/audit?target=${target}&person=alice&actor=cursor`, {
      as: 'human',
    });
    expect(byPerson.body.entries).toHaveLength(2);

    const prefixed = await call<ListAuditResponse>(
      'GET',
      `/ai/audit?target=${target}&action=context.${encodeURIComponent('*')}`,
      { as: 'human' },
    );
    expect(prefixed.body.entries).toHaveLength(4);
    const exact = await call<ListAuditResponse>('GET', `/ai/audit?target=${target}&action=context.merge`, {
      as: 'human',
    });
    expect(exact.body.entries).toHaveLength(1);

    const page1 = await call<ListAuditResponse>('GET', `/ai/audit?target=${target}&limit=3`, { as: 'human' });
    expect(page1.body.entries).toHaveLength(3);
    expect(page1.body.truncated).toBe(true);
    const page2 = await call<ListAuditResponse>(
      'GET',
      `/ai/audit?target=${target}&limit=3&cursor=${page1.body.nextCursor}`,
      { as: 'human' },
    );
    expect(page2.body.entries.map((x) => x.action)).toEqual(['context.replace']);
    expect(page2.body.truncated).toBe(false);

    const since = await call<ListAuditResponse>(
      'GET',
      `/ai/audit?target=${target}&since=${encodeURIComponent(before)}`,
      { as: 'human' },
    );
    expect(since.body.entries).toHaveLength(4);
    const until = await call<ListAuditResponse>(
      'GET',
      `/ai/audit?target=${target}&until=${encodeURIComponent(before)}`,
      { as: 'human' },
    );
    expect(until.body.entries).toHaveLength(0);
  });

  it('rejects bad filters with validation_failed', async () => {
    expectProblem(await call('GET', '/ai/audit?actor=robot', { as: 'human' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/ai/audit?since=yesterday', { as: 'human' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/ai/audit?limit=1000', { as: 'human' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/ai/audit?cursor=abc', { as: 'human' }), 400, 'validation_failed');
  });
});

describeAuthCases('GET', '/ai/audit', ['gpt', 'cursor', 'human', 'cron']);
