import { env, createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { AuditLog } from '../../src/audit/log';
import { LedgerPool } from '../../src/db/pool';
import { Logger } from '../../src/lib/log';
import { listTransitions, recordUptime } from '../../src/status/uptime';
import type { ServiceStatus } from '../../src/status/check';
import { CRON_CALLER } from '../../src/cron/dispatch';
import type { ProjectEvent } from '../../src/events/publisher';
import { call, expectStatus } from '../support/http';
import { hostingEnv } from '../support/hosting-env';
import type { GetStatusHistoryResponse } from '../../src/routes/status/get-status-history';

async function runCron(cron: string, overrides: Record<string, unknown>) {
  const ctx = createExecutionContext();
  await worker.scheduled!(
    createScheduledController({ cron, scheduledTime: Date.now() }),
    { ...env, ...overrides } as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

async function history(e: Record<string, unknown>, query = '') {
  const result = await call<GetStatusHistoryResponse>('GET', `/ai/status/history${query}`, { as: 'human', env: e });
  expectStatus(result, 200);
  return result.body;
}

describe('uptime cron', () => {
  it('records each layer once, then only changes of state, with audit entries', async () => {
    const healthy = hostingEnv('healthy', 'healthy');
    await runCron('*/5 * * * *', healthy);
    const first = await history(healthy);
    expect(first.transitions.map((t) => [t.layer, t.from, t.to]).sort()).toEqual([
      ['cloudways', null, 'ok'],
      ['context', null, 'ok'],
      ['event-hub', null, 'ok'],
      ['github', null, 'unconfigured'],
      ['index', null, 'unconfigured'],
      ['ledger', null, 'ok'],
      ['wordpress', null, 'ok'],
    ]);

    await runCron('*/5 * * * *', healthy);
    expect((await history(healthy)).transitions).toHaveLength(7);

    const failing = { ...healthy, WP_REST_ENDPOINT: healthy.WP_REST_ENDPOINT!.replace('/healthy/', '/failing/') };
    await runCron('*/5 * * * *', failing);
    const after = await history(failing);
    expect(after.transitions).toHaveLength(8);
    expect(after.transitions[0]).toMatchObject({ layer: 'wordpress', from: 'ok', to: 'down' });
    expect(after.transitions[0]!.reason).toContain('HTTP 500');

    const audit = await call('GET', `/ai/audit?target=${encodeURIComponent(`layer:${healthy.PROJECT_ID}:wordpress`)}`, {
      as: 'human',
    });
    expect(audit.body.entries.map((e: { action: string; summary: string }) => e.summary)).toEqual([
      expect.stringMatching(/^wordpress went ok -> down: /),
      expect.stringMatching(/^wordpress first seen ok: /),
    ]);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'health.change',
      actor: { client: 'cron' },
      detail: { from: 'ok', to: 'down' },
    });

    const onlyWordpress = await history(failing, '?layer=wordpress&limit=1');
    expect(onlyWordpress).toMatchObject({ truncated: true, transitions: [{ layer: 'wordpress', to: 'down' }] });
    const next = await history(failing, `?layer=wordpress&cursor=${onlyWordpress.nextCursor}`);
    expect(next.transitions).toMatchObject([{ layer: 'wordpress', from: null, to: 'ok' }]);
  });

  it('publishes a health event for each change of state', async () => {
    const project = `uptime-${crypto.randomUUID()}`;
    const ledger = new LedgerPool(
      { url: env.DATABASE_URL as string, wsProxy: env.DATABASE_WS_PROXY as string },
      new Logger('silent'),
    );
    const published: ProjectEvent[] = [];
    const recording = {
      project,
      audit: new AuditLog(ledger, { caller: CRON_CALLER, requestId: `test-${crypto.randomUUID()}` }),
      events: { publish: async (event: ProjectEvent) => void published.push(event) },
      log: new Logger('silent'),
    };
    const status: ServiceStatus = {
      verdict: 'degraded',
      summary: 'Degraded: cloudways degraded (1 of 2 servers stopped)',
      layers: [
        { layer: 'ledger', state: 'ok', reason: 'Postgres answered', latencyMs: 2 },
        { layer: 'cloudways', state: 'degraded', reason: '1 of 2 servers stopped', latencyMs: 5 },
      ],
      service: { version: 'test', project },
      checkedAt: new Date().toISOString(),
    };
    try {
      const transitions = await recordUptime(recording, CRON_CALLER, status);
      expect(transitions).toHaveLength(2);
      expect(published).toHaveLength(2);
      const cloudways = published.find((p) => p.data?.layer === 'cloudways')!;
      expect(cloudways).toMatchObject({
        topic: 'health',
        type: 'health.changed',
        actor: { client: 'cron' },
        data: { to: 'degraded', from: null },
      });
      expect(cloudways.summary).toContain('cloudways is now degraded');
      published.length = 0;
      expect(await recordUptime(recording, CRON_CALLER, status)).toEqual([]);
      expect(published).toEqual([]);
      const history = await listTransitions({ ledgerPool: ledger, project }, { limit: 10 });
      expect(history.transitions.map((t) => [t.layer, t.to]).sort()).toEqual([
        ['cloudways', 'degraded'],
        ['ledger', 'ok'],
      ]);
    } finally {
      await ledger.close();
    }
  });

  it('follows UPTIME_CRON: another expression does not run the check', async () => {
    const e = { ...hostingEnv('healthy', 'healthy'), UPTIME_CRON: '*/2 * * * *' };
    await runCron('*/5 * * * *', e);
    expect((await history(e)).transitions).toEqual([]);
    await runCron('*/2 * * * *', e);
    expect((await history(e)).transitions).toHaveLength(7);
  });

  it('the nightly cron runs reindex, which says no repository is configured here', async () => {
    const e = { PROJECT_ID: `up-${crypto.randomUUID().slice(0, 8)}` };
    const before = await call('GET', '/ai/audit?action=maintenance.reindex&limit=1', { as: 'human' });
    await runCron('0 3 * * *', e);
    const after = await call('GET', '/ai/audit?action=maintenance.reindex&limit=1', { as: 'human' });
    expect(after.body.entries[0].seq).toBeGreaterThan(before.body.entries[0]?.seq ?? 0);
    expect(after.body.entries[0]).toMatchObject({ actor: { client: 'cron' }, detail: { repos: [] } });
    expect(after.body.entries[0].summary).toContain('No repository is configured for indexing');
  });
});
