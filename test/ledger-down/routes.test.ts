import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { call, expectProblem, expectStatus } from '../support/http';
import { hostingEnv } from '../support/hosting-env';
import { createFixtureRepo } from '../support/index-fixtures';
import { intents } from '../../src/db/schema';
import type { GetStatusResponse } from '../../src/routes/status/get-status';
import type { GetReviewResponse } from '../../src/routes/review/get-review';
import { scenario } from '../intents/helpers';
import { onLiveDatabase, project } from './support';

const ledgerDown =
  'The audit ledger (Postgres) is unavailable; a change this request made may or may not have been recorded: read it back before retrying.';

describe('reads when the ledger is down', () => {
  it('GET /ai/audit and /ai/audit/verify answer 503', async () => {
    expectProblem(await call('GET', '/ai/audit', { as: 'human' }), 503, 'ledger_unavailable');
    expectProblem(await call('GET', '/ai/audit/verify', { as: 'human' }), 503, 'ledger_unavailable');
  });

  it('the ledger down makes the service down', async () => {
    const result = await call<GetStatusResponse>('GET', '/ai/status', {
      as: 'human',
      env: hostingEnv('healthy', 'healthy'),
    });
    expectStatus(result, 200);
    expect(result.body.verdict, result.text).toBe('down');
    expect(result.body.layers.find((l) => l.layer === 'ledger')).toMatchObject({
      state: 'down',
      reason: 'Postgres (audit and intents) is unreachable',
    });
    expect(result.text).not.toMatch(/ECONNREFUSED|stack/);
  });

  it('a review section whose backend is down is reported unavailable; the rest still answers', async () => {
    const result = await call<GetReviewResponse>('GET', '/ai/review', { as: 'human', env: project('rv') });
    expectStatus(result, 200);
    expect([...result.body.unavailable].sort((a, b) => a.section.localeCompare(b.section))).toEqual([
      { section: 'audit', reason: ledgerDown },
      { section: 'intents', reason: ledgerDown },
    ]);
    expect(result.body.sections.health).toMatchObject({ verdict: 'down' });
    expect(result.body.sections.context).toBeDefined();
  });
});

describe('changes when the ledger is down', () => {
  it('refuses proposals and decisions with 503 ledger_unavailable, and nothing is recorded', async () => {
    const e = scenario().env;
    expectProblem(
      await call('POST', '/ai/intents', { as: 'gpt', env: e, body: { kind: 'restart', target: 'production' } }),
      503,
      'ledger_unavailable',
    );
    for (const as of ['human', 'gpt'] as const)
      expectProblem(
        await call('POST', '/ai/intents/00000000-0000-4000-8000-000000000000/approve', { as, env: e }),
        503,
        'ledger_unavailable',
      );
    const rows = await onLiveDatabase((ledger) =>
      ledger.use((db) => db.select({ id: intents.id }).from(intents).where(eq(intents.project, e.PROJECT_ID))),
    );
    expect(rows).toEqual([]);
  });

  it('refuses to start a reindex, and nothing runs', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const result = await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env });
    expectProblem(result, 503, 'ledger_unavailable');
    const status = await call('GET', '/ai/github/index', { as: 'human', env: repo.env });
    expect(status.body.repos[0]).toMatchObject({ running: null, lastRun: null });
  });
});
