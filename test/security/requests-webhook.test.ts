import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { createFixtureRepo } from '../support/index-fixtures';
import { deliverWebhook } from '../support/webhook';

/** Signed GitHub deliveries: a replay does nothing, and a payload of the wrong shape is a 400, after the HMAC. */

const SECRET = 'test-webhook-secret-0123456789';

function deliver(env: Record<string, unknown>, body: string, delivery?: string, event = 'push') {
  return deliverWebhook(env, body, { event, secret: SECRET, delivery });
}

async function reindexEntries(env: Record<string, unknown>) {
  const audit = await call('GET', '/ai/audit?action=index.reindex&limit=50', { as: 'human', env });
  expectStatus(audit, 200);
  return audit.body.entries as { detail: { delivery?: string } }[];
}

describe('webhook deliveries are idempotent by id and by signed body', () => {
  it('a signed push delivered three times (two at once) starts one run; the replays are 200 and do nothing', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: repo.fullName }, after: 'x' });
    const id = crypto.randomUUID();
    const first = await deliver(repo.env, body, id);
    expectStatus(first, 202);
    expect(first.body.action).toBe('started');
    const replays = await Promise.all([deliver(repo.env, body, id), deliver(repo.env, body, id)]);
    for (const replay of replays) {
      expectStatus(replay, 200);
      expect(replay.body.action).toBe('duplicate');
    }
    // The id sits outside the signature: the same signed body under a fresh id is still a replay.
    const renamed = await deliver(repo.env, body, crypto.randomUUID());
    expectStatus(renamed, 200);
    expect(renamed.body.action).toBe('duplicate');
    const entries = (await reindexEntries(repo.env)).filter((e) => e.detail.delivery === id);
    expect(entries).toHaveLength(1);
  });

  it('two copies of a new delivery arriving together: exactly one acts', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: repo.fullName }, after: 'y' });
    const id = crypto.randomUUID();
    const results = await Promise.all([deliver(repo.env, body, id), deliver(repo.env, body, id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 202]);
  });

  it('refuses a malformed delivery id, and payloads of the wrong shape, with 400s (never a 500)', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    const good = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: repo.fullName } });
    expectProblem(await deliver(repo.env, good, 'not-a-guid'), 400, 'validation_failed');
    expectProblem(await deliver(repo.env, good, 'secret=abc'), 400, 'validation_failed');
    for (const body of [
      'null',
      '[]',
      '"push"',
      JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 42 } }),
      JSON.stringify({ ref: ['refs/heads/main'], repository: { full_name: repo.fullName } }),
      JSON.stringify({ ref: 'refs/heads/main', repository: null }),
    ]) {
      expectProblem(await deliver(repo.env, body, crypto.randomUUID()), 400, 'validation_failed');
      expectProblem(await deliver(repo.env, body, crypto.randomUUID(), 'workflow_run'), 400, 'validation_failed');
    }
  });
});
