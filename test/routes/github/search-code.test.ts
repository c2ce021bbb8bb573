import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubSearchResponse } from '../../../src/routes/github/search-code';
import { freshRepo, githubEnv, serverStats, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/search?q=x', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/search', () => {
  it("runs GitHub's code search scoped to the repository", async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubSearchResponse>(
      '/ai/github/search?q=isSessionExpired&limit=2',
      'cursor',
      repo,
    );
    expectStatus(result, 200);
    expect(result.body).toMatchObject({
      repo,
      query: 'isSessionExpired',
      totalCount: 5,
      incomplete: false,
      truncated: true,
    });
    expect(result.body.hits[0]).toMatchObject({
      path: 'src/auth/session.ts',
      url: expect.stringContaining(`https://github.com/${repo}/blob/`),
    });
    expect(result.body.hits[0]!.fragments![0]).toContain('export function isSessionExpired(');
    expect(result.body.hits[0]!.identifiers).toEqual(['isSessionExpired']);
    // The gpt client gets what matched and where, never the lines around it.
    const gpt = await getGitHub<GitHubSearchResponse>('/ai/github/search?q=isSessionExpired&limit=2', 'gpt', repo);
    expectStatus(gpt, 200);
    expect(gpt.body.hits[0]).toEqual({
      path: 'src/auth/session.ts',
      url: expect.any(String),
      identifiers: ['isSessionExpired'],
    });
    const none = await getGitHub<GitHubSearchResponse>('/ai/github/search?q=nothingmatches', 'cursor', repo);
    expect(none.body).toMatchObject({ totalCount: 0, hits: [], truncated: false, nextCursor: null });
  });
  it('is live: never served from the answer cache', async () => {
    const env = githubEnv(freshRepo());
    await call('GET', '/ai/github/search?q=abc', { as: 'gpt', env });
    const again = await call('GET', '/ai/github/search?q=abc', { as: 'gpt', env });
    expect(again.headers.get('x-hezlep-cache')).toBe('miss');
    expect(again.headers.get('x-github-not-modified')).toBe('1');
  });
  it('cannot be widened beyond the allow-listed repository with qualifiers', async () => {
    const repo = freshRepo();
    for (const q of ['token repo:evil/private', 'x org:evil', 'x  user:someone', '(x OR repo:evil/y)']) {
      const result = await getGitHub(`/ai/github/search?q=${encodeURIComponent(q)}`, 'gpt', repo);
      expectProblem(result, 400, 'validation_failed');
      expect(result.body.detail).toBe(
        'q may not contain repo:, org:, user: or owner: qualifiers; choose the repository with the repo parameter.',
      );
    }
    expect((await serverStats(repo)).requests).toBe(0);
    expectStatus(
      await getGitHub(`/ai/github/search?q=${encodeURIComponent('path:src handleRepo:')}`, 'gpt', repo),
      200,
    );
  });
  it('needs a query', async () => {
    expectProblem(
      await call('GET', '/ai/github/search?q=', { as: 'gpt', env: githubEnv(freshRepo()) }),
      400,
      'validation_failed',
    );
  });
});
