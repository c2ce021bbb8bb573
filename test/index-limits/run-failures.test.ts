import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { createFixtureRepo, indexEvents, indexLayer, injectBlobFault, waitForStatus } from '../support/index-fixtures';
import { TS_FILE } from '../support/index-repos';

// Project index-limits: one file a batch, five attempts (test/support/index-settings.ts); each fault outlasts them.
describe('a failed index run', () => {
  it('a failed last run makes the layer degraded, with the run error', async () => {
    const repo = await createFixtureRepo({
      'src/one.ts': TS_FILE('failsOnce'),
      'src/two.ts': TS_FILE(`unique${crypto.randomUUID().slice(0, 8)}`),
    });
    await injectBlobFault(repo, 'src/two.ts', 5);
    expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env }), 202);
    await waitForStatus(repo, (s) => s.running === null && s.lastRun?.outcome === 'failed', 'the run fails');
    const { layer } = await indexLayer(repo.env);
    expect(layer.state).toBe('degraded');
    expect(layer.reason).toMatch(new RegExp(`^${repo.fullName}@main: last run failed \\(.*GitHub failed`));
  });

  it('a run started by the nightly job is told by the index object, and a failure is told too', async () => {
    const repo = await createFixtureRepo({ 'src/x.ts': TS_FILE(`nightly${crypto.randomUUID().slice(0, 8)}`) });
    await injectBlobFault(repo, 'src/x.ts', 5);
    const ran = await call('POST', '/ai/maintenance/reindex', { as: 'cron', env: repo.env });
    expectStatus(ran, 200);
    await waitForStatus(repo, (s) => s.running === null && s.lastRun?.outcome === 'failed', 'the run fails');
    const events = await indexEvents(repo.env, 2);
    expect(events.map((e) => e.type)).toEqual(['index.run_started', 'index.run_failed']);
    expect(events[0]).toMatchObject({ actor: { client: 'cron' }, data: { repo: repo.fullName, trigger: 'cron' } });
    expect(events[1]!.data).toMatchObject({ outcome: 'failed', trigger: 'cron' });
    expect(String(events[1]!.data!.error)).toMatch(/GitHub failed/);
  });
});
