import { describe, expect, it } from 'vitest';
import { call } from '../support/http';
import { createFixtureRepo, waitForStatus } from '../support/index-fixtures';

describe('scheduled indexing', () => {
  it('starts a run for every configured repository on the indexing cron only', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': 'export function alpha() {\n  return 1;\n}\n' });
    const { env, createScheduledController, createExecutionContext, waitOnExecutionContext } = await import(
      'cloudflare:test'
    );
    const worker = (await import('../../src/index')).default;
    const fire = async (cron: string) => {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ cron, scheduledTime: Date.now() }),
        { ...env, ...repo.env },
        ctx,
      );
      await waitOnExecutionContext(ctx);
    };
    await fire('*/5 * * * *');
    expect((await call('GET', '/ai/github/index', { as: 'cron', env: repo.env })).body.repos[0].lastRun).toBeNull();
    await fire('0 3 * * *');
    const status = await waitForStatus(
      repo,
      (s) => s.lastRun !== null && s.running === null,
      'the nightly run finishes',
    );
    expect(status.lastRun).toMatchObject({ trigger: 'cron', outcome: 'succeeded', headCommit: repo.head });
  });
});
