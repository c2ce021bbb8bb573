import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubPullsResponse } from '../../../src/routes/github/list-pulls';
import { freshRepo, githubEnv, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/pulls', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/pulls', () => {
  it('lists open pull requests with review state, checks and mergeability', async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubPullsResponse>('/ai/github/pulls', 'human', repo);
    expectStatus(result, 200);
    expect(result.body.pulls.map((p) => p.number)).toEqual([40, 41]);
    const [p40, p41] = result.body.pulls;
    expect(p40).toMatchObject({
      title: 'Feature 40',
      author: 'octocat',
      branch: 'feature/40',
      base: 'main',
      review: 'approved',
      approvals: 2,
      checks: { state: 'success' },
      mergeable: false,
      mergeableState: 'dirty',
      draft: false,
    });
    expect(p41).toMatchObject({
      review: 'changes_requested',
      checks: { state: 'pending' },
      mergeable: true,
      mergeableState: 'clean',
      draft: true,
    });
  });
  it('state=all includes closed ones', async () => {
    const result = await call<GitHubPullsResponse>('GET', '/ai/github/pulls?state=all', {
      as: 'gpt',
      env: githubEnv(freshRepo()),
    });
    expectStatus(result, 200);
    const closed = result.body.pulls.find((p) => p.number === 42);
    expect(closed).toMatchObject({
      state: 'closed',
      review: 'commented',
      checks: { state: 'failure', failing: ['test'] },
      mergeable: null,
    });
  });
});
