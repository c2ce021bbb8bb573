import { env, createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { warmupTargets } from '../../src/warmup/select';
import type { RecordedQuery } from '../../src/queries/log';
import type { ListQueriesResponse } from '../../src/routes/queries/list-queries';
import { call, expectStatus } from '../support/http';
import { freshRepo, githubEnv, serverStats } from '../support/github';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const query = (at: string, path: string, extra: Partial<RecordedQuery> = {}): RecordedQuery => ({
  at,
  method: 'GET',
  route: path,
  path,
  params: {},
  status: 200,
  resultCount: 1,
  latencyMs: 5,
  requestId: crypto.randomUUID(),
  ...extra,
});

describe('warm-up targets from the query log', () => {
  it("picks the last day's most-called cacheable GETs, grouped by path and parameters, bounded", () => {
    const targets = warmupTargets(
      [
        query('2026-11-25T02:00:00Z', '/ai/github/commits', { params: { limit: '4' } }),
        query('2026-11-25T01:00:00Z', '/ai/github/runs'),
        query('2026-11-25T00:30:00Z', '/ai/github/commits', { params: { limit: '4' } }),
        query('2026-11-24T23:00:00Z', '/ai/github/commits', { params: { limit: '9' } }),
        query('2026-11-24T22:00:00Z', '/ai/search', { params: { q: 'x' } }), // not an answer-cache route
        query('2026-11-24T21:00:00Z', '/ai/github/search', { params: { q: 'x' } }), // never cached
        query('2026-11-24T20:00:00Z', '/ai/intents', { method: 'POST' }),
        query('2026-11-24T19:00:00Z', '/ai/github/pulls', { status: 502 }),
        query('2026-11-24T18:00:00Z', '/ai/github/activity', { params: { token: '[withheld]' } }),
        query('2026-11-23T02:00:00Z', '/ai/github/repo'), // older than a day
        query('2026-11-25T01:30:00Z', '/ai/github/runs/:id', { path: '/ai/github/runs/7' }),
      ],
      NOW,
      3,
    );
    expect(targets.map((t) => [t.path, t.params, t.calls])).toEqual([
      ['/ai/github/commits', { limit: '4' }, 2],
      ['/ai/github/runs/7', {}, 1],
      ['/ai/github/runs', {}, 1],
    ]);
    expect(warmupTargets([query('2026-11-25T02:00:00Z', '/ai/github/repo')], NOW, 0)).toEqual([]);
  });
});

async function nightly(environment: Record<string, unknown>) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '0 3 * * *' }), { ...env, ...environment } as never, ctx);
  await waitOnExecutionContext(ctx);
}

async function lastWarmup(environment: Record<string, unknown>) {
  const audit = await call('GET', '/ai/audit?action=maintenance.cache-warmup&limit=1', {
    as: 'human',
    env: environment,
  });
  expectStatus(audit, 200);
  return audit.body.entries[0];
}

describe('nightly cache warm-up (through the scheduled handler)', () => {
  it("after the re-index, refreshes the GPT's most-called GitHub reads as the gpt and audits what it did", async () => {
    const repo = freshRepo();
    const e = githubEnv(repo);
    for (let i = 0; i < 3; i++)
      expectStatus(await call('GET', '/ai/github/commits?limit=4', { as: 'gpt', env: e }), 200);
    expectStatus(await call('GET', '/ai/github/repo', { as: 'gpt', env: e }), 200);
    expectStatus(await call('GET', '/ai/github/commits?limit=4', { as: 'human', env: e }), 200); // not the GPT's
    const before = await serverStats(repo);
    expect(before.paths['/commits'], JSON.stringify(before)).toBe(1); // the other calls were cache hits

    await nightly(e);

    const after = await serverStats(repo);
    expect(after.paths['/commits'], JSON.stringify(after)).toBe(2); // replayed past the cache
    expect(after.notModified).toBe(before.notModified); // a refresh, not a revalidation
    const entry = await lastWarmup(e);
    expect(entry, 'no warm-up audit entry').toBeDefined();
    expect(entry.actor.client).toBe('cron');
    expect(entry.detail.refreshed).toEqual([
      { path: '/ai/github/commits', params: { limit: '4' }, calls: 3, status: 200 },
      { path: '/ai/github/repo', params: {}, calls: 1, status: 200 },
    ]);
    expect(entry.summary).toContain('Refreshed 2 cached answer(s)');

    // The GPT's next read is served from the refreshed answer, and the replays are not in its query log.
    expectStatus(await call('GET', '/ai/github/commits?limit=4', { as: 'gpt', env: e }), 200);
    expect((await serverStats(repo)).paths['/commits']).toBe(2);
    const log = await call<ListQueriesResponse>('GET', '/ai/queries', { as: 'human', env: e });
    expect(log.body.queries.map((q) => q.path)).toEqual([
      '/ai/github/commits',
      '/ai/github/repo',
      '/ai/github/commits',
      '/ai/github/commits',
      '/ai/github/commits',
    ]);
  });

  it('refreshes at most CACHE_WARMUP_ROUTES requests and reports a failing one without stopping', async () => {
    const repo = freshRepo();
    const e = githubEnv(repo, { CACHE_WARMUP_ROUTES: '1' });
    expectStatus(await call('GET', '/ai/github/runs', { as: 'gpt', env: e }), 200);
    expectStatus(await call('GET', '/ai/github/pulls', { as: 'gpt', env: e }), 200);
    await nightly(e);
    const entry = await lastWarmup(e);
    expect(entry.detail.limit).toBe(1);
    expect(entry.detail.refreshed.map((r: { path: string }) => r.path)).toEqual(['/ai/github/pulls']);

    // GitHub's token revoked overnight: the replay's refusal is reported, the job still audits.
    const revoked = { ...e, CACHE_WARMUP_ROUTES: '5', GITHUB_TOKEN: 'ghp_revoked0000000000000000000000000000' };
    await nightly(revoked);
    const failed = await lastWarmup(revoked);
    expect(failed.summary).toMatch(/failed/);
    expect(failed.detail.refreshed.every((r: { status: number }) => r.status !== 200)).toBe(true);
  });

  it('with nothing asked, refreshes nothing and says so', async () => {
    const e = githubEnv(freshRepo());
    await nightly(e);
    const entry = await lastWarmup(e);
    expect(entry.detail).toMatchObject({ considered: 0, refreshed: [] });
  });
});
