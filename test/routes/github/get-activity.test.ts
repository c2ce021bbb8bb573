import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { GitHubActivityResponse } from '../../../src/routes/github/get-activity';
import { expectNoToken, freshRepo, githubEnv, serverStats, getGitHub } from '../../support/github';

describeAuthCases('GET', '/ai/github/activity', ['gpt', 'cursor', 'human', 'cron']);

describe('GET /ai/github/activity', () => {
  it('answers "the last five commits and runs" in one call', async () => {
    const repo = freshRepo();
    const result = await getGitHub<GitHubActivityResponse>('/ai/github/activity', 'gpt', repo);
    expectStatus(result, 200);
    expectNoToken(result);
    expect(result.body.commits).toHaveLength(5);
    expect(result.body.runs).toHaveLength(5);
    expect(result.body.commits[0]!.checks.state).toBe('failure');
    expect(result.body.runs[0]!.conclusion).toBe('failure');
    expect(result.body.truncated).toBe(true);
    // commits list + runs list + (status + check-runs) per commit
    expect(result.headers.get('x-github-requests')).toBe('12');
  });
});

describe('caching (the project chooses the context store: test/vitest.config.ts)', () => {
  it('reuses ETags: the second answer is built from 304s that cost no rate limit', async () => {
    const repo = freshRepo();
    const env = githubEnv(repo, { GITHUB_CACHE_SECONDS: '0' });
    const first = await call('GET', '/ai/github/activity?limit=3', { as: 'gpt', env });
    expectStatus(first, 200);
    expect(first.headers.get('x-github-not-modified')).toBe('0');
    const second = await call('GET', '/ai/github/activity?limit=3', { as: 'gpt', env });
    expectStatus(second, 200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('x-github-requests')).toBe('8');
    expect(second.headers.get('x-github-not-modified')).toBe('8');
    expect((await serverStats(repo)).notModified).toBe(8);
  });
  it('serves a repeated question from the answer cache without asking GitHub', async () => {
    const repo = freshRepo();
    const env = githubEnv(repo);
    const first = await call('GET', '/ai/github/activity', { as: 'gpt', env });
    expect(first.headers.get('x-hezlep-cache')).toBe('miss');
    const before = (await serverStats(repo)).requests;
    const second = await call('GET', '/ai/github/activity', { as: 'cursor', env });
    expectStatus(second, 200);
    expect(second.headers.get('x-hezlep-cache')).toBe('hit');
    expect(second.headers.get('x-github-requests')).toBe('0');
    expect(second.headers.get('x-github-ratelimit-remaining')).toBe(first.headers.get('x-github-ratelimit-remaining'));
    expect(second.body).toEqual(first.body);
    expect((await serverStats(repo)).requests).toBe(before);
  });
});
