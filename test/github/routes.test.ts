import { describe, expect, inject, it, vi } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { describeAuthCases } from '../support/auth-cases';
import type { GitHubActivityResponse } from '../../src/routes/github/get-activity';
import type { GitHubCommitsResponse } from '../../src/routes/github/list-commits';
import type { GitHubRunsResponse } from '../../src/routes/github/list-runs';
import type { GitHubRunResponse } from '../../src/routes/github/get-run';
import type { GitHubPullsResponse } from '../../src/routes/github/list-pulls';
import type { GitHubRepoResponse } from '../../src/routes/github/get-repo';
import type { GitHubSearchResponse } from '../../src/routes/github/search-code';
import { expectNoToken, freshRepo, github, githubEnv, scenario, serverStats } from './support';

const ROUTES = [
  '/ai/github/repo',
  '/ai/github/commits',
  '/ai/github/runs',
  '/ai/github/runs/1',
  '/ai/github/pulls',
  '/ai/github/search?q=x',
  '/ai/github/activity',
];

for (const path of ROUTES) describeAuthCases('GET', path, ['gpt', 'cursor', 'human', 'cron']);

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

describe('GET /ai/github/repo', () => {
  it('summarises the repository', async () => {
    const repo = freshRepo();
    const result = await call<GitHubRepoResponse>('GET', '/ai/github/repo', { as: 'gpt', env: githubEnv(repo) });
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
    const result = await call<GitHubRepoResponse>('GET', '/ai/github/repo', { as: 'gpt', env: githubEnv(repo) });
    expectStatus(result, 200);
    expect(result.body.latestRelease).toBeNull();
  });
  it('a repository GitHub does not know is a 404 naming it', async () => {
    const repo = freshRepo('missing');
    const result = await call('GET', '/ai/github/repo', { as: 'gpt', env: githubEnv(repo) });
    expectProblem(result, 404, 'not_found');
    expect(result.body.detail).toContain(repo);
  });
});

describe('GET /ai/github/commits', () => {
  it('lists commits with their combined check status', async () => {
    const repo = freshRepo();
    const result = await call<GitHubCommitsResponse>('GET', '/ai/github/commits?limit=4', {
      as: 'cursor',
      env: githubEnv(repo),
    });
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
    const byAuthor = await call<GitHubCommitsResponse>('GET', '/ai/github/commits?author=hubot', {
      as: 'gpt',
      env: githubEnv(repo),
    });
    expectStatus(byAuthor, 200);
    expect(byAuthor.body.commits.length).toBe(4);
    expect(byAuthor.body.commits.every((c) => c.author === 'hubot')).toBe(true);
    const byPath = await call<GitHubCommitsResponse>('GET', '/ai/github/commits?path=src/auth&limit=50', {
      as: 'gpt',
      env: githubEnv(repo),
    });
    expect(byPath.body.commits.length).toBe(6);
    expect(byPath.body.truncated).toBe(false);
  });

  it('an unknown branch is a 404 naming the branch and repository', async () => {
    const repo = freshRepo();
    const result = await call('GET', '/ai/github/commits?branch=nope', { as: 'gpt', env: githubEnv(repo) });
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

describe('GET /ai/github/runs', () => {
  it('lists runs with status, duration and URL', async () => {
    const repo = freshRepo();
    const result = await call<GitHubRunsResponse>('GET', '/ai/github/runs?limit=3', {
      as: 'gpt',
      env: githubEnv(repo),
    });
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

describe('GET /ai/github/runs/{id}', () => {
  it('explains a failed run: failing step and the log up to the error', async () => {
    const repo = freshRepo();
    const result = await call<GitHubRunResponse>('GET', '/ai/github/runs/30433000', {
      as: 'gpt',
      env: githubEnv(repo),
    });
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
    const result = await call<GitHubRunResponse>('GET', '/ai/github/runs/30433000?logLines=5', {
      as: 'gpt',
      env: githubEnv(repo),
    });
    expectStatus(result, 200);
    const tail = result.body.jobs[1]!.logTail as { lines: string[]; truncated: boolean };
    expect(tail).toMatchObject({ truncated: true });
    expect(tail.lines).toHaveLength(5);
    const big = await call<GitHubRunResponse>('GET', '/ai/github/runs/30433000?logLines=200', {
      as: 'gpt',
      env: githubEnv(repo),
    });
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

describe('GET /ai/github/pulls', () => {
  it('lists open pull requests with review state, checks and mergeability', async () => {
    const repo = freshRepo();
    const result = await call<GitHubPullsResponse>('GET', '/ai/github/pulls', { as: 'human', env: githubEnv(repo) });
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

describe('GET /ai/github/search', () => {
  it("runs GitHub's code search scoped to the repository", async () => {
    const repo = freshRepo();
    const result = await call<GitHubSearchResponse>('GET', '/ai/github/search?q=isSessionExpired&limit=2', {
      as: 'cursor',
      env: githubEnv(repo),
    });
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
    const gpt = await call<GitHubSearchResponse>('GET', '/ai/github/search?q=isSessionExpired&limit=2', {
      as: 'gpt',
      env: githubEnv(repo),
    });
    expectStatus(gpt, 200);
    expect(gpt.body.hits[0]).toEqual({
      path: 'src/auth/session.ts',
      url: expect.any(String),
      identifiers: ['isSessionExpired'],
    });
    const none = await call<GitHubSearchResponse>('GET', '/ai/github/search?q=nothingmatches', {
      as: 'cursor',
      env: githubEnv(repo),
    });
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
      const result = await call('GET', `/ai/github/search?q=${encodeURIComponent(q)}`, {
        as: 'gpt',
        env: githubEnv(repo),
      });
      expectProblem(result, 400, 'validation_failed');
      expect(result.body.detail).toBe(
        'q may not contain repo:, org:, user: or owner: qualifiers; choose the repository with the repo parameter.',
      );
    }
    expect((await serverStats(repo)).requests).toBe(0);
    expectStatus(
      await call('GET', `/ai/github/search?q=${encodeURIComponent('path:src handleRepo:')}`, {
        as: 'gpt',
        env: githubEnv(repo),
      }),
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

describe('GET /ai/github/activity', () => {
  it('answers "the last five commits and runs" in one call', async () => {
    const repo = freshRepo();
    const result = await call<GitHubActivityResponse>('GET', '/ai/github/activity', {
      as: 'gpt',
      env: githubEnv(repo),
    });
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

const upstash = inject('upstash');
const backends: [string, Record<string, unknown> | null][] = [
  ['durable-object', {}],
  ['upstash', upstash ? { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token } : null],
];

for (const [backend, backendEnv] of backends) {
  describe.skipIf(backendEnv === null)(`caching on ${backend}`, () => {
    it('reuses ETags: the second answer is built from 304s that cost no rate limit', async () => {
      const repo = freshRepo();
      const env = githubEnv(repo, { ...backendEnv, GITHUB_CACHE_SECONDS: '0' });
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
      const env = githubEnv(repo, backendEnv!);
      const first = await call('GET', '/ai/github/activity', { as: 'gpt', env });
      expect(first.headers.get('x-hezlep-cache')).toBe('miss');
      const before = (await serverStats(repo)).requests;
      const second = await call('GET', '/ai/github/activity', { as: 'cursor', env });
      expectStatus(second, 200);
      expect(second.headers.get('x-hezlep-cache')).toBe('hit');
      expect(second.headers.get('x-github-requests')).toBe('0');
      expect(second.headers.get('x-github-ratelimit-remaining')).toBe(
        first.headers.get('x-github-ratelimit-remaining'),
      );
      expect(second.body).toEqual(first.body);
      expect((await serverStats(repo)).requests).toBe(before);
    });
  });
}

describe('rate limits and upstream failures', () => {
  it('primary limit (403, remaining 0) becomes 429 with retryAfter until reset', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/commits$', kind: 'primary' }] });
    const result = await call('GET', '/ai/github/commits', { as: 'gpt', env: githubEnv(repo) });
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
    const result = await call('GET', '/ai/github/runs', { as: 'gpt', env: githubEnv(repo) });
    expectProblem(result, 429, 'rate_limited');
    expect(result.body.limit).toBe('primary');
  });
  it('secondary limit honours retry-after, or waits a minute without it', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/pulls', kind: 'secondary', times: 1 }] });
    const withHeader = await call('GET', '/ai/github/pulls', { as: 'gpt', env: githubEnv(repo) });
    expectProblem(withHeader, 429, 'rate_limited');
    expect(withHeader.body).toMatchObject({ retryAfter: 30, limit: 'secondary' });
    const other = freshRepo();
    await scenario(other, { failures: [{ path: '/languages', kind: 'secondary-no-retry' }] });
    const without = await call('GET', '/ai/github/repo', { as: 'gpt', env: githubEnv(other) });
    expectProblem(without, 429, 'rate_limited');
    expect(without.body.retryAfter).toBe(60);
  });
  it('GitHub 5xx becomes 502 without its body', async () => {
    const repo = freshRepo();
    await scenario(repo, { failures: [{ path: '/check-runs', kind: 'status', status: 500 }] });
    const result = await call('GET', '/ai/github/activity', { as: 'gpt', env: githubEnv(repo) });
    expectProblem(result, 502, 'upstream_error');
    expect(result.text).not.toContain('Unicorn');
  });
  it('an unreachable GitHub becomes 503', async () => {
    const result = await call('GET', '/ai/github/repo', {
      as: 'gpt',
      env: { ...githubEnv(freshRepo()), GITHUB_API_URL: github.unreachableUrl },
    });
    expectProblem(result, 503, 'upstream_unavailable');
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
  });
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
      expectProblem(
        await call('GET', '/ai/github/repo', { as: 'gpt', env: { ...env, GITHUB_API_URL: github.unreachableUrl } }),
        503,
        'upstream_unavailable',
      );
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
