import { describe, expect, it } from 'vitest';
import {
  fitToBound,
  languageShares,
  reviewStateOf,
  shapeRun,
  summarizeChecks,
  titleLine,
  failingStepOf,
} from '../../src/github/shape';
import { tailOfLog, cleanLogLine } from '../../src/github/log-tail';
import { decodeCursor, encodeCursor, pageNumberOf, parseLinkHeader } from '../../src/github/paging';
import { mapGitHubFailure, readRateLimit } from '../../src/github/errors';
import { parseGitHubConfig, resolveRepo } from '../../src/github/config';
import { ApiError } from '../../src/errors';
import type { RawWorkflowRun } from '../../src/github/client';

describe('check summary', () => {
  it('fails when any check run or status failed, naming them', () => {
    const summary = summarizeChecks(
      { state: 'failure', total_count: 1, statuses: [{ state: 'error', context: 'ci/legacy' }] as never },
      [
        { name: 'build', status: 'completed', conclusion: 'success' },
        { name: 'test', status: 'completed', conclusion: 'timed_out' },
      ],
    );
    expect(summary).toEqual({ state: 'failure', total: 3, failing: ['test', 'ci/legacy'] });
  });
  it('is pending while anything runs, success when all passed, none without checks', () => {
    expect(summarizeChecks(null, [{ name: 'a', status: 'in_progress', conclusion: null }]).state).toBe('pending');
    expect(
      summarizeChecks({ state: 'pending', total_count: 1, statuses: [{ state: 'pending', context: 'x' }] as never }, [])
        .state,
    ).toBe('pending');
    expect(
      summarizeChecks(null, [
        { name: 'a', status: 'completed', conclusion: 'skipped' },
        { name: 'b', status: 'completed', conclusion: 'success' },
      ]).state,
    ).toBe('success');
    expect(summarizeChecks({ state: 'pending', total_count: 0, statuses: [] }, [])).toEqual({
      state: 'none',
      total: 0,
      failing: [],
    });
  });
});

describe('review state', () => {
  const review = (login: string, state: string, minute: number) => ({
    user: { login } as never,
    state,
    submitted_at: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
  });
  it("counts each reviewer's latest decision", () => {
    expect(
      reviewStateOf([review('a', 'CHANGES_REQUESTED', 1), review('a', 'APPROVED', 2), review('b', 'APPROVED', 3)]),
    ).toEqual({ state: 'approved', approvals: 2, changeRequests: 0 });
  });
  it('a standing change request wins; comments alone are "commented"', () => {
    expect(reviewStateOf([review('a', 'APPROVED', 5), review('b', 'CHANGES_REQUESTED', 1)]).state).toBe(
      'changes_requested',
    );
    expect(reviewStateOf([review('a', 'COMMENTED', 1)]).state).toBe('commented');
    expect(reviewStateOf([]).state).toBe('none');
  });
});

describe('runs and jobs', () => {
  const run = (over: Partial<RawWorkflowRun>) =>
    ({
      id: 1,
      name: 'CI',
      display_title: 'Fix it',
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      head_branch: 'main',
      head_sha: 'a'.repeat(40),
      run_number: 7,
      run_attempt: 2,
      run_started_at: '2026-01-01T00:00:00Z',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:03:20Z',
      html_url: 'https://github.com/x/y/actions/runs/1',
      ...over,
    }) as RawWorkflowRun;
  it('derives duration for finished runs only', () => {
    expect(shapeRun(run({}))).toMatchObject({ durationSeconds: 200, headSha: 'aaaaaaa', attempt: 2, workflow: 'CI' });
    expect(shapeRun(run({ status: 'in_progress', conclusion: null })).durationSeconds).toBeNull();
  });
  it('finds the first failed step', () => {
    const steps = [
      { name: 'setup', status: 'completed', conclusion: 'success', number: 1 },
      { name: 'test', status: 'completed', conclusion: 'failure', number: 3 },
      { name: 'post', status: 'completed', conclusion: 'failure', number: 4 },
    ] as never;
    expect(failingStepOf({ steps })).toEqual({ number: 3, name: 'test', conclusion: 'failure' });
    expect(failingStepOf({ steps: [] })).toBeUndefined();
  });
});

describe('log tail', () => {
  const log = [
    '2026-01-01T00:00:00.0000000Z a',
    'b',
    'c \u001b[31mred\u001b[0m',
    '##[error]Process completed with exit code 1.',
    'Post job cleanup.',
    'cleanup 2',
    '',
  ].join('\n');
  it('ends at the last error line, strips timestamps and colours', () => {
    expect(tailOfLog({ text: log, cut: false }, 10)).toEqual({
      lines: ['a', 'b', 'c red', '##[error]Process completed with exit code 1.'],
      truncated: false,
    });
  });
  it('keeps only the asked number of lines and says so', () => {
    expect(tailOfLog({ text: log, cut: false }, 2)).toEqual({
      lines: ['c red', '##[error]Process completed with exit code 1.'],
      truncated: true,
    });
  });
  it('drops the partial first line of a cut stream and clips long lines', () => {
    expect(tailOfLog({ text: 'partial\nwhole\nend', cut: true }, 10)).toEqual({
      lines: ['whole', 'end'],
      truncated: true,
    });
    expect(cleanLogLine('x'.repeat(1000)).length).toBe(300);
  });
});

describe('paging', () => {
  it('parses GitHub Link headers', () => {
    const link =
      '<https://api.github.com/repos/o/r/commits?per_page=5&page=2>; rel="next", <https://api.github.com/repos/o/r/commits?per_page=5&page=9>; rel="last"';
    const rel = parseLinkHeader(link);
    expect(pageNumberOf(rel.next)).toBe(2);
    expect(pageNumberOf(rel.last)).toBe(9);
    expect(parseLinkHeader(undefined)).toEqual({});
  });
  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor({ page: 3, perPage: 25 }))).toEqual({ page: 3, perPage: 25 });
    expect(() => decodeCursor('bm9wZQ')).toThrow(ApiError);
    expect(() => decodeCursor(encodeCursor({ page: 1, perPage: 500 }))).toThrow(/cursor/);
  });
});

describe('GitHub failure mapping', () => {
  const now = 1_700_000_000_000;
  it('primary limit (403 or 429 with remaining 0) waits until reset', () => {
    for (const status of [403, 429]) {
      const error = mapGitHubFailure(
        {
          status,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) },
          message: 'API rate limit exceeded',
        },
        'x',
        now,
      );
      expect(error.code).toBe('rate_limited');
      expect(error.extra).toMatchObject({ retryAfter: 90, limit: 'primary' });
      expect(error.headers?.['retry-after']).toBe('90');
    }
  });
  it('secondary limit honours retry-after, else waits a minute', () => {
    expect(
      mapGitHubFailure(
        {
          status: 403,
          headers: { 'retry-after': '30', 'x-ratelimit-remaining': '4000' },
          message: 'You have exceeded a secondary rate limit',
        },
        'x',
      ).extra,
    ).toMatchObject({ retryAfter: 30, limit: 'secondary' });
    expect(
      mapGitHubFailure(
        {
          status: 403,
          headers: { 'x-ratelimit-remaining': '4000' },
          message: 'You have exceeded a secondary rate limit',
        },
        'x',
      ).extra,
    ).toMatchObject({ retryAfter: 60 });
  });
  it('maps 404, 401, 403 without limit, 422, 5xx and unreachable', () => {
    const notFound = mapGitHubFailure({ status: 404, headers: {}, message: 'Not Found' }, 'repository o/r');
    expect([notFound.code, notFound.message]).toEqual([
      'not_found',
      'GitHub has no repository o/r, or the configured token cannot see it.',
    ]);
    expect(mapGitHubFailure({ status: 401, headers: {}, message: 'Bad credentials' }, 'x').code).toBe('upstream_error');
    expect(
      mapGitHubFailure(
        { status: 403, headers: { 'x-ratelimit-remaining': '10' }, message: 'Resource not accessible' },
        'x',
      ).code,
    ).toBe('upstream_error');
    expect(mapGitHubFailure({ status: 422, headers: {}, message: 'Validation Failed' }, 'x').code).toBe(
      'validation_failed',
    );
    expect(mapGitHubFailure({ status: 503, headers: {}, message: '<html>' }, 'x').status).toBe(502);
    expect(mapGitHubFailure({ status: null, headers: {}, message: 'ECONNREFUSED' }, 'x').status).toBe(503);
  });
  it('reads the rate limit headers', () => {
    expect(
      readRateLimit({
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': '1700000000',
        'x-ratelimit-used': '1',
        'x-ratelimit-resource': 'core',
      }),
    ).toEqual({
      limit: 5000,
      remaining: 4999,
      used: 1,
      resetAt: '2023-11-14T22:13:20.000Z',
      resource: 'core',
    });
    expect(readRateLimit({})).toBeNull();
  });
});

describe('GitHub configuration', () => {
  it('is "not configured" without token or repository, naming what is missing', () => {
    expect(parseGitHubConfig({})).toEqual({ configured: false, missing: ['GITHUB_TOKEN', 'GITHUB_REPO'] });
    expect(parseGitHubConfig({ GITHUB_TOKEN: 't' })).toEqual({ configured: false, missing: ['GITHUB_REPO'] });
  });
  it('fails loudly on malformed values, naming the variable', () => {
    expect(() => parseGitHubConfig({ GITHUB_TOKEN: 't', GITHUB_REPO: 'no-slash' })).toThrow(/GITHUB_REPO/);
    expect(() => parseGitHubConfig({ GITHUB_TOKEN: 't', GITHUB_REPO: 'a/b', GITHUB_REPOS: 'c/d, bad' })).toThrow(
      /GITHUB_REPOS/,
    );
  });
  it('allows the default and listed repositories, case-insensitively, and nothing else', () => {
    const config = parseGitHubConfig({ GITHUB_TOKEN: 't', GITHUB_REPO: 'Acme/App', GITHUB_REPOS: 'acme/lib' });
    if (!config.configured) throw new Error('expected configured');
    expect(config.settings.apiUrl).toBe('https://api.github.com');
    expect(resolveRepo(config.settings, undefined).full).toBe('Acme/App');
    expect(resolveRepo(config.settings, 'ACME/lib')).toEqual({ owner: 'ACME', name: 'lib', full: 'ACME/lib' });
    expect(() => resolveRepo(config.settings, 'evil/app')).toThrow(
      expect.objectContaining({ code: 'repo_not_allowed' }),
    );
  });
});

describe('size bound', () => {
  it('drops items from the longest list until the JSON fits, and says so', () => {
    const body = {
      repo: 'x',
      commits: Array.from({ length: 50 }, (_, i) => ({ i, text: 'x'.repeat(1000) })),
      runs: [{ a: 1 }],
      truncated: false,
    };
    const fitted = fitToBound(body, ['commits', 'runs'], 20_000);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(20_000);
    expect(fitted.truncated).toBe(true);
    expect(fitted.runs).toHaveLength(1);
    expect(body.commits).toHaveLength(50);
  });
  it('leaves small answers alone', () => {
    const body = { items: [1, 2], truncated: false };
    expect(fitToBound(body, ['items'])).toBe(body);
  });
  it('keeps title lines short and languages as shares', () => {
    expect(titleLine(`${'t'.repeat(500)}\nbody`).length).toBe(200);
    expect(languageShares({ TypeScript: 750, Shell: 250 })).toEqual([
      { name: 'TypeScript', percent: 75 },
      { name: 'Shell', percent: 25 },
    ]);
  });
});
