import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { createFixtureRepo, waitForStatus } from '../../support/index-fixtures';

describeAuthCases('POST', '/ai/github/reindex', ['human', 'cron'], { body: {} });

describe('POST /ai/github/reindex', () => {
  it('starts a run, answers 202 with its id and audits who asked', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': 'export function alpha() {\n  return 1;\n}\n' });
    const started = await call('POST', '/ai/github/reindex', {
      as: 'human',
      env: repo.env,
      body: { repo: repo.fullName },
    });
    expectStatus(started, 202);
    expect(started.body).toMatchObject({ started: true, repo: repo.fullName, branch: 'main' });
    const audit = await call(
      'GET',
      `/ai/audit?action=index.reindex&target=${encodeURIComponent(`repo:${repo.fullName}@main`)}`,
      { as: 'human', env: repo.env },
    );
    expectStatus(audit, 200);
    expect(audit.body.entries[0]).toMatchObject({
      actor: { client: 'human', person: 'alice' },
      action: 'index.reindex',
      detail: { trigger: 'manual' },
    });
    await waitForStatus(repo, (s) => s.lastRun?.id === started.body.runId, 'the run finishes');
  });

  it('rejects unknown body fields and unconfigured repositories', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    expectProblem(
      await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env, body: { force: true } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/ai/github/reindex', { as: 'cron', env: repo.env, body: { repo: 'acme/other' } }),
      403,
      'repo_not_allowed',
    );
  });
});
