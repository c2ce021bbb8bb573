import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubRunResponse } from '../../../src/routes/github/get-run';
import { expectNoToken, freshRepo, githubEnv, scenario, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/runs/1', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/runs/{id}', () => {
  it('explains a failed run: failing step and the log up to the error', async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubRunResponse>('/ai/github/runs/30433000', 'gpt', repo);
    expectStatus(result, 200);
    expectNoToken(result);
    expect(result.body.run).toMatchObject({ id: 30433000, conclusion: 'failure' });
    expect(result.body.failedJobs).toBe(1);
    const [build, test] = result.body.jobs;
    expect(build).toMatchObject({ name: 'build', conclusion: 'success' });
    expect(build!.logTail).toBeUndefined();
    expect(test).toMatchObject({
      name: 'test',
      conclusion: 'failure',
      failingStep: { number: 3, name: 'Run npm test', conclusion: 'failure' },
    });
    // The log came from the blob store, which refuses requests carrying the token.
    const tail = test!.logTail as { lines: string[]; truncated: boolean };
    expect(tail.lines.at(-1)).toBe('##[error]Process completed with exit code 1.');
    expect(tail.lines).toContain('AssertionError: expected 200 to be 401');
    expect(tail.lines.join('\n')).not.toContain('Post job cleanup');
    expect(tail.lines.some((l) => /^\d{4}-\d\d-\d\dT/.test(l))).toBe(false);
  });
  it('bounds the log tail', async () => {
    const repo = freshRepo();
    await scenario(repo, { logFillerLines: 20_000 });
    const result = await getGitHub<GitHubRunResponse>('/ai/github/runs/30433000?logLines=5', 'gpt', repo);
    expectStatus(result, 200);
    const tail = result.body.jobs[1]!.logTail as { lines: string[]; truncated: boolean };
    expect(tail).toMatchObject({ truncated: true });
    expect(tail.lines).toHaveLength(5);
    const big = await getGitHub<GitHubRunResponse>('/ai/github/runs/30433000?logLines=200', 'gpt', repo);
    expect((big.body.jobs[1]!.logTail as { lines: string[] }).lines).toHaveLength(200);
    expect(big.text.length).toBeLessThan(100_000);
  });
  it('a successful run has no log tails; an unknown run is a 404', async () => {
    const env = githubEnv(freshRepo());
    const ok = await call<GitHubRunResponse>('GET', '/ai/github/runs/30433003', { as: 'gpt', env });
    expectStatus(ok, 200);
    expect(ok.body.failedJobs).toBe(0);
    expect(ok.body.jobs.every((j) => j.logTail === undefined && j.failingStep === undefined)).toBe(true);
    const missing = await call('GET', '/ai/github/runs/999', { as: 'gpt', env });
    expectProblem(missing, 404, 'not_found');
    expect(missing.body.detail).toContain('workflow run 999');
  });
});
