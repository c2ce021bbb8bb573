import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubRunsResponse } from '../../../src/routes/github/list-runs';
import { freshRepo, githubEnv, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/runs', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/runs', () => {
  it('lists runs with status, duration and URL', async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubRunsResponse>('/ai/github/runs?limit=3', 'gpt', repo);
    expectStatus(result, 200);
    expect(result.body.totalCount).toBe(12);
    const [failed, running] = result.body.runs;
    expect(failed).toMatchObject({
      id: 30433000,
      workflow: 'CI',
      event: 'push',
      status: 'completed',
      conclusion: 'failure',
      branch: 'main',
      runNumber: 500,
      durationSeconds: 200,
      url: `https://github.com/${repo}/actions/runs/30433000`,
    });
    expect(failed!.headSha).toHaveLength(7);
    expect(running).toMatchObject({ status: 'in_progress', conclusion: null, durationSeconds: null });
    expect(result.body.nextCursor).not.toBeNull();
  });
  it('filters by status, branch and workflow file', async () => {
    const env = githubEnv(freshRepo());
    const failures = await call<GitHubRunsResponse>('GET', '/ai/github/runs?status=failure', { as: 'gpt', env });
    expect(failures.body.runs.map((r) => r.id)).toEqual([30433000]);
    const deploys = await call<GitHubRunsResponse>('GET', '/ai/github/runs?workflow=deploy.yml&limit=100', {
      as: 'gpt',
      env,
    });
    expect(deploys.body.runs.length).toBe(4);
    expect(deploys.body.runs.every((r) => r.workflow === 'Deploy')).toBe(true);
    const develop = await call<GitHubRunsResponse>('GET', '/ai/github/runs?branch=develop', { as: 'gpt', env });
    expect(develop.body.runs.every((r) => r.branch === 'develop')).toBe(true);
    expectProblem(await call('GET', '/ai/github/runs?workflow=nope.yml', { as: 'gpt', env }), 404, 'not_found');
    expectProblem(await call('GET', '/ai/github/runs?workflow=../../x', { as: 'gpt', env }), 400, 'validation_failed');
  });
});
