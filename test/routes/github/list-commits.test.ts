import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubCommitsResponse } from '../../../src/routes/github/list-commits';
import { freshRepo, githubEnv, serverStats, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/commits', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/commits', () => {
  it('lists commits with their combined check status', async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubCommitsResponse>('/ai/github/commits?limit=4', 'cursor', repo);
    expectStatus(result, 200);
    const [first, second, third, fourth] = result.body.commits;
    expect(first).toMatchObject({
      title: 'Fix session expiry check in login',
      author: 'octocat',
      date: '2026-11-20T18:00:00Z',
      checks: { state: 'failure', total: 2, failing: ['test'] },
    });
    expect(first!.shortSha).toBe(first!.sha.slice(0, 7));
    expect(first!.url).toBe(`https://github.com/${repo}/commit/${first!.sha}`);
    expect(second!.checks).toEqual({ state: 'pending', total: 2, failing: [] });
    expect(third!.checks.state).toBe('none');
    expect(fourth!.checks).toEqual({ state: 'success', total: 2, failing: [] });
    expect(result.body.truncated).toBe(true);
  });

  it('follows cursors page by page, fetching only what was asked', async () => {
    const repo = freshRepo();
    const env = githubEnv(repo);
    const seen: string[] = [];
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: Awaited<ReturnType<typeof call<GitHubCommitsResponse>>> = await call<GitHubCommitsResponse>(
        'GET',
        `/ai/github/commits?limit=5${query}`,
        { as: 'gpt', env },
      );
      expectStatus(page, 200);
      seen.push(...page.body.commits.map((c) => c.sha));
      pages.push(page.body.commits.length);
      expect(page.body.truncated).toBe(page.body.nextCursor !== null);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([5, 5, 2]);
    expect(new Set(seen).size).toBe(12);
    const stats = await serverStats(repo);
    // One list request per page, one status and one check-runs request per commit shown.
    expect(stats.paths['/commits']).toBe(3);
    expect(stats.paths['/commits/{sha}/status']).toBe(12);
  });

  it('filters by author and path', async () => {
    const repo = freshRepo();
    const byAuthor = await getGitHub<GitHubCommitsResponse>('/ai/github/commits?author=hubot', 'gpt', repo);
    expectStatus(byAuthor, 200);
    expect(byAuthor.body.commits.length).toBe(4);
    expect(byAuthor.body.commits.every((c) => c.author === 'hubot')).toBe(true);
    const byPath = await getGitHub<GitHubCommitsResponse>('/ai/github/commits?path=src/auth&limit=50', 'gpt', repo);
    expect(byPath.body.commits.length).toBe(6);
    expect(byPath.body.truncated).toBe(false);
  });

  it('an unknown branch is a 404 naming the branch and repository', async () => {
    const repo = freshRepo();
    const result = await getGitHub('/ai/github/commits?branch=nope', 'gpt', repo);
    expectProblem(result, 404, 'not_found');
    expect(result.body.detail).toContain('nope');
    expect(result.body.detail).toContain(repo);
  });

  it('refuses bad parameters', async () => {
    const env = githubEnv(freshRepo());
    expectProblem(await call('GET', '/ai/github/commits?limit=0', { as: 'gpt', env }), 400, 'validation_failed');
    expectProblem(
      await call('GET', '/ai/github/commits?since=yesterday', { as: 'gpt', env }),
      400,
      'validation_failed',
    );
    expectProblem(await call('GET', '/ai/github/commits?cursor=forged', { as: 'gpt', env }), 400, 'validation_failed');
  });
});
