import { describe, expect, it, vi } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import type { GitHubCommitsResponse } from '../../../src/routes/github/list-commits';
import type { GitHubRunsResponse } from '../../../src/routes/github/list-runs';
import { expectNoToken, freshRepo, github, githubEnv, scenario, serverStats, getGitHub } from '../../support/github';

const ROUTES = [
  '/ai/github/repo',
  '/ai/github/commits',
  '/ai/github/runs',
  '/ai/github/runs/1',
  '/ai/github/pulls',
  '/ai/github/search?q=x',
  '/ai/github/activity',
];

// Behaviour shared by every /ai/github read (configuration, rate limits, allow-list, size, secrecy, spec);
// each route's own cases are in its file beside this one.

describe('GitHub not configured', () => {
  it('answers 501 not_configured naming the missing variables', async () => {
    for (const path of ROUTES) {
      const result = await call('GET', path, { as: 'gpt' });
      expectProblem(result, 501, 'not_configured');
      expect(result.body.missing).toEqual(['GITHUB_TOKEN', 'GITHUB_REPO']);
    }
  });
  it('a malformed variable is a loud misconfiguration naming it', async () => {
    const result = await call('GET', '/ai/github/repo', { as: 'gpt', env: githubEnv('not-a-repo') });
    expectProblem(result, 503, 'misconfigured');
    expect(result.body.detail).toContain('GITHUB_REPO');
  });
});

describe('rate limits and upstream failures', () => {
  it('primary limit (403, remaining 0) becomes 429 with retryAfter until reset', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/commits$', kind: 'primary' }] });
    const result = await getGitHub('/ai/github/commits', 'gpt', repo);
    expectProblem(result, 429, 'rate_limited');
    expect(result.body.limit).toBe('primary');
    expect(result.body.retryAfter).toBeGreaterThan(60);
    expect(result.body.retryAfter).toBeLessThanOrEqual(121);
    expect(result.headers.get('retry-after')).toBe(String(result.body.retryAfter));
    expectNoToken(result);
  });
  it('primary limit answered as 429 is mapped the same way', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/actions/runs', kind: 'primary', status: 429 }] });
    const result = await getGitHub('/ai/github/runs', 'gpt', repo);
    expectProblem(result, 429, 'rate_limited');
    expect(result.body.limit).toBe('primary');
  });
  it('secondary limit honours retry-after, or waits a minute without it', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/pulls', kind: 'secondary', times: 1 }] });
    const withHeader = await getGitHub('/ai/github/pulls', 'gpt', repo);
    expectProblem(withHeader, 429, 'rate_limited');
    expect(withHeader.body).toMatchObject({ retryAfter: 30, limit: 'secondary' });
    const other = freshRepo();
    await scenario(other, { failures: [{ path: '/languages', kind: 'secondary-no-retry' }] });
    const without = await getGitHub('/ai/github/repo', 'gpt', other);
    expectProblem(without, 429, 'rate_limited');
    expect(without.body.retryAfter).toBe(60);
  });
  it('GitHub 5xx becomes 502 without its body', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/check-runs', kind: 'status', status: 500 }] });
    const result = await getGitHub('/ai/github/activity', 'gpt', repo);
    expectProblem(result, 502, 'upstream_error');
    expect(result.text).not.toContain('Unicorn');
  });
  it('a refused token is explained without showing it', async () => {
    const secret = `ghp_wrong${crypto.randomUUID().replaceAll('-', '')}`;
    const result = await call('GET', '/ai/github/repo', {
      as: 'gpt',
      env: { ...githubEnv(freshRepo()), GITHUB_TOKEN: secret },
    });
    expectProblem(result, 502, 'upstream_error');
    expect(result.body.detail).toContain('GITHUB_TOKEN');
    expect(result.text).not.toContain(secret);
  });
  it('a failure is not cached: the next call succeeds once GitHub recovers', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/actions/runs', kind: 'status', status: 503, times: 1 }] });
    const env = githubEnv(repo);
    expectProblem(await call('GET', '/ai/github/runs', { as: 'gpt', env }), 502, 'upstream_error');
    expectStatus(await call('GET', '/ai/github/runs', { as: 'gpt', env }), 200);
  });
});

describe('repository allow-list', () => {
  it('refuses a repository not in GITHUB_REPOS with 403 repo_not_allowed', async () => {
    const result = await call('GET', '/ai/github/commits?repo=evil/app', { as: 'gpt', env: githubEnv(freshRepo()) });
    expectProblem(result, 403, 'repo_not_allowed');
    expect(result.body.detail).toContain('evil/app');
  });
  it('serves an allow-listed repository', async () => {
    const other = freshRepo('partner');
    const result = await call<GitHubRunsResponse>('GET', `/ai/github/runs?repo=${other}`, {
      as: 'gpt',
      env: githubEnv(freshRepo(), { GITHUB_REPOS: `${other},acme/unused` }),
    });
    expectStatus(result, 200);
    expect(result.body.repo).toBe(other);
    expect((await serverStats(other)).requests).toBe(1);
  });
  it('refuses a malformed repo parameter', async () => {
    expectProblem(
      await call('GET', '/ai/github/repo?repo=../../etc', { as: 'gpt', env: githubEnv(freshRepo()) }),
      400,
      'validation_failed',
    );
  });
});

describe('size bound', () => {
  it('no answer exceeds 100,000 characters; cut lists say truncated', async () => {
    const repo = freshRepo();
    await scenario(repo, { commits: 100, runs: 100, hugeMessages: true });
    const env = githubEnv(repo);
    const commits = await call<GitHubCommitsResponse>('GET', '/ai/github/commits?limit=100', { as: 'gpt', env });
    expectStatus(commits, 200);
    expect(commits.text.length).toBeLessThan(100_000);
    expect(commits.body.commits.every((c) => c.title.length <= 200)).toBe(true);
    const runs = await call<GitHubRunsResponse>('GET', '/ai/github/runs?limit=100', { as: 'gpt', env });
    expectStatus(runs, 200);
    expect(runs.text.length).toBeLessThan(100_000);
    expect(runs.body.truncated).toBe(runs.body.runs.length < 100);
    for (const path of [
      '/ai/github/repo',
      '/ai/github/pulls?limit=30',
      '/ai/github/search?q=x&limit=30',
      '/ai/github/activity?limit=20',
      '/ai/github/runs/30433000?logLines=200',
    ]) {
      const result = await call('GET', path, { as: 'gpt', env });
      expectStatus(result, 200);
      expect(result.text.length, path).toBeLessThan(100_000);
    }
    // Seven routes over 100 commits and runs with huge messages, every answer redacted: on a loaded
    // 2-core machine this took 23-30 s, at the project's 30 s default.
  }, 120_000);
});

describe('the token stays secret', () => {
  it('never appears in a log line, on success or failure', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    const spies = [
      vi.spyOn(console, 'log').mockImplementation(capture),
      vi.spyOn(console, 'error').mockImplementation(capture),
      vi.spyOn(console, 'warn').mockImplementation(capture),
    ];
    try {
      const repo = freshRepo();
      await scenario(repo, {
        failures: [
          { path: '/pulls', kind: 'status', status: 500 },
          { path: '/actions/runs$', kind: 'primary' },
        ],
      });
      const env = githubEnv(repo, { LOG_LEVEL: 'debug' });
      expectStatus(await call('GET', '/ai/github/commits', { as: 'gpt', env }), 200);
      expectProblem(await call('GET', '/ai/github/pulls', { as: 'gpt', env }), 502, 'upstream_error');
      expectProblem(await call('GET', '/ai/github/runs', { as: 'gpt', env }), 429, 'rate_limited');
      // An unreachable GitHub (503) is logged in the github-down project (test/github-down).
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines.some((line) => line.includes('GitHub 500 for pull requests'))).toBe(true);
    expect(lines.filter((line) => line.includes(github.token))).toEqual([]);
  });
});

describe('OpenAPI description of the GitHub routes', () => {
  const VISIBILITY_OPERATIONS = [
    'getGitHubActivity',
    'getGitHubRepo',
    'getGitHubRun',
    'listGitHubCommits',
    'listGitHubPulls',
    'listGitHubRuns',
    'searchGitHubCode',
  ];

  it('lists every operation with a short description and its error answers', async () => {
    const result = await call('GET', '/openapi.json');
    expectStatus(result, 200);
    const operations = Object.entries(
      result.body.paths as Record<
        string,
        Record<string, { operationId: string; description: string; responses: Record<string, unknown> }>
      >,
    )
      .filter(([path]) => path.startsWith('/ai/github'))
      .flatMap(([, methods]) => Object.values(methods))
      // The code index also lives under /ai/github (recall, index, reindex, webhook); these are the visibility routes.
      .filter((operation) => VISIBILITY_OPERATIONS.includes(operation.operationId));
    expect(operations.map((o) => o.operationId).sort()).toEqual(VISIBILITY_OPERATIONS);
    for (const operation of operations) {
      expect(operation.description.length, operation.operationId).toBeLessThan(300);
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['200', '403', '404', '429', '501', '502', '503']),
      );
    }
  });
});
