import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubRepoResponse } from '../../../src/routes/github/get-repo';
import { expectNoToken, freshRepo, scenario, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/repo', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/repo', () => {
  it('summarises the repository', async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubRepoResponse>('/ai/github/repo', 'gpt', repo);
    expectStatus(result, 200);
    expectNoToken(result);
    expect(result.body).toMatchObject({
      repo,
      fullName: repo,
      defaultBranch: 'main',
      visibility: 'public',
      sizeKb: 108,
      pushedAt: '2026-11-20T18:30:00Z',
      openPullRequests: 2,
      openIssues: 5,
      topics: ['ops', 'cloudflare-workers', 'typescript'],
      protectedBranches: ['main', 'release'],
      latestRelease: { tag: 'v1.4.0', name: 'v1.4.0' },
      truncated: false,
    });
    expect(result.body.languages[0]).toEqual({ name: 'TypeScript', percent: 82.5 });
    expect(Number(result.headers.get('x-github-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(result.headers.get('x-github-ratelimit-limit')).toBe('5000');
  });
  it('has latestRelease null when there is none', async () => {
    const repo = freshRepo();
    await scenario(repo, { noRelease: true });
    const result = await getGitHub<GitHubRepoResponse>('/ai/github/repo', 'gpt', repo);
    expectStatus(result, 200);
    expect(result.body.latestRelease).toBeNull();
  });
  it('a repository GitHub does not know is a 404 naming it', async () => {
    const repo = freshRepo('missing');
    const result = await getGitHub('/ai/github/repo', 'gpt', repo);
    expectProblem(result, 404, 'not_found');
    expect(result.body.detail).toContain(repo);
  });
});
