import type { AnswerCache } from '../cache/answer-cache';
import { MAX_CACHED_VALUE_CHARS } from '../cache/answer-cache';
import { ApiError } from '../errors';
import type { Logger } from '../lib/log';
import { GitHubClient, type RepoRef, type RawCommit } from './client';
import { resolveRepo, type GitHubSettings } from './config';
import type { RateLimit } from './errors';
import { encodeCursor, positionFor, type PagePosition } from './paging';
import {
  fitToBound,
  isFailedJob,
  reviewStateOf,
  shapeComparison,
  shapeCommit,
  shapeJob,
  shapePull,
  shapeRepository,
  shapeRun,
  summarizeChecks,
  type ComparisonSummary,
} from './shape';
import { shapeCodeSearchHit } from './code-search-hit';
import type {
  ActivityAnswer,
  CommitFilters,
  CommitsAnswer,
  ComparisonAnswer,
  PullsAnswer,
  RepoAnswer,
  RunDetailAnswer,
  RunsAnswer,
  SearchAnswer,
} from './answers';
import { mapLimit } from '../lib/map-limit';

/** An answer plus how it was obtained (for response headers and benchmarks). */
export interface Answered<T> {
  body: T;
  /** True when the whole answer came from the answer cache without asking GitHub. */
  cached: boolean;
  /** Requests sent to GitHub for this answer, and how many of them GitHub answered 304. */
  upstreamRequests: number;
  notModified: number;
  rateLimit: RateLimit | null;
}

/** A pair of full shas names one immutable comparison: remember it for a day. */
const COMPARISON_TTL_MS = 86_400_000;
const FULL_SHA = /^[0-9a-f]{40}$/;

/** Failed jobs whose logs are read for one run detail. */
const MAX_LOGGED_JOBS = 3;
const FAN_OUT = 6;
const SCOPE_QUALIFIER = /(^|[\s(])-?(repo|org|user|owner|enterprise):/i;

/** A code search query that names its own scope (repo:, org:, ...), which could reach past the allow-list. */
export class ScopedSearchQuery extends Error {
  constructor() {
    super('q may not contain repo:, org:, user: or owner: qualifiers; choose the repository with the repo parameter.');
    this.name = 'ScopedSearchQuery';
  }
}

/**
 * The GitHub visibility domain: composes client calls into short answers, caches whole
 * answers briefly, and keeps each answer under the size bound.
 */
export class GitHubService {
  constructor(
    readonly settings: GitHubSettings,
    private readonly cache: AnswerCache | null,
    private readonly namespace: string,
    private readonly log: Logger,
    private readonly fetchImpl?: typeof fetch,
    private readonly defer?: (work: Promise<unknown>) => void,
  ) {}

  /** The same service, writing caches after the response through `waitUntil`. */
  deferringWrites(ctx: { waitUntil(work: Promise<unknown>): void }): GitHubService {
    return new GitHubService(this.settings, this.cache, this.namespace, this.log, this.fetchImpl, (work) =>
      ctx.waitUntil(work),
    );
  }

  /** A client of its own per answer, so its request counts describe that answer alone. */
  client(): GitHubClient {
    return new GitHubClient({
      settings: this.settings,
      cache: this.cache,
      cacheNamespace: this.namespace,
      log: this.log,
      fetch: this.fetchImpl,
      defer: this.defer,
    });
  }

  repo(requested?: string): RepoRef {
    return resolveRepo(this.settings, requested);
  }

  /** The rate limit GitHub last reported to this deployment (for status pages). */
  lastRateLimit(): Promise<RateLimit | null> {
    return this.client().rememberedRateLimit();
  }

  overview(repo: RepoRef): Promise<Answered<RepoAnswer>> {
    return this.answer('repo', { repo: repo.full }, async (gh) => {
      const [raw, languages, branches, release, openPulls] = await Promise.all([
        gh.repository(repo),
        gh.languages(repo),
        gh.protectedBranches(repo),
        gh.latestRelease(repo),
        gh.openPullCount(repo),
      ]);
      const overview = shapeRepository(
        raw,
        languages,
        { items: branches.items, truncated: branches.next !== null },
        release,
        openPulls,
      );
      return { repo: repo.full, ...overview, truncated: overview.protectedBranchesTruncated };
    });
  }

  commits(repo: RepoRef, filters: CommitFilters, limit: number, cursor?: string): Promise<Answered<CommitsAnswer>> {
    const position = positionFor(limit, cursor);
    return this.answer('commits', { repo: repo.full, ...filters, ...position }, async (gh) => {
      const { commits, next } = await this.commitsWithChecks(gh, repo, filters, position);
      return fitToBound(
        {
          repo: repo.full,
          branch: filters.branch ?? null,
          commits,
          nextCursor: next ? encodeCursor(next) : null,
          truncated: next !== null,
        },
        ['commits'],
      );
    });
  }

  runs(
    repo: RepoRef,
    filters: { branch?: string; status?: string; workflow?: string },
    limit: number,
    cursor?: string,
  ): Promise<Answered<RunsAnswer>> {
    const position = positionFor(limit, cursor);
    return this.answer('runs', { repo: repo.full, ...filters, ...position }, async (gh) => {
      const page = await gh.workflowRuns(repo, filters, position);
      const runs = page.items.map(shapeRun);
      return fitToBound(
        {
          repo: repo.full,
          totalCount: page.totalCount ?? runs.length,
          runs,
          nextCursor: page.next ? encodeCursor(page.next) : null,
          truncated: page.next !== null,
        },
        ['runs'],
      );
    });
  }

  runDetail(repo: RepoRef, runId: number, logLines: number): Promise<Answered<RunDetailAnswer>> {
    return this.answer('run', { repo: repo.full, runId, logLines }, async (gh) => {
      const [run, jobList] = await Promise.all([gh.workflowRun(repo, runId), gh.runJobs(repo, runId)]);
      const jobs = jobList.jobs.map(shapeJob);
      const failed = jobList.jobs.filter(isFailedJob);
      await Promise.all(
        failed.slice(0, MAX_LOGGED_JOBS).map(async (raw) => {
          const job = jobs.find((j) => j.id === raw.id)!;
          try {
            job.logTail = await gh.jobLogTail(repo, raw.id, logLines);
          } catch (error) {
            // An expired or withheld log should not hide the rest of the answer.
            if (error instanceof ApiError && (error.code === 'not_found' || error.code === 'upstream_error')) {
              job.logTail = { unavailable: error.message };
            } else throw error;
          }
        }),
      );
      return fitToBound(
        { repo: repo.full, run: shapeRun(run), jobs, failedJobs: failed.length, truncated: jobList.truncated },
        ['jobs'],
      );
    });
  }

  pulls(
    repo: RepoRef,
    state: 'open' | 'closed' | 'all',
    limit: number,
    cursor?: string,
  ): Promise<Answered<PullsAnswer>> {
    const position = positionFor(limit, cursor);
    return this.answer('pulls', { repo: repo.full, state, ...position }, async (gh) => {
      const page = await gh.pulls(repo, state, position);
      const pulls = await mapLimit(page.items, FAN_OUT, async (pull) => {
        const open = pull.state === 'open';
        const [detail, reviews, status, checkRuns] = await Promise.all([
          open ? gh.pull(repo, pull.number) : Promise.resolve(null),
          gh.reviews(repo, pull.number),
          gh.combinedStatus(repo, pull.head.sha),
          gh.checkRuns(repo, pull.head.sha),
        ]);
        return shapePull(pull, detail, reviewStateOf(reviews), summarizeChecks(status, checkRuns.check_runs));
      });
      return fitToBound(
        {
          repo: repo.full,
          state,
          pulls,
          nextCursor: page.next ? encodeCursor(page.next) : null,
          truncated: page.next !== null,
        },
        ['pulls'],
      );
    });
  }

  /** Live code search: never served from the answer cache (ETags still spare the rate limit). */
  search(repo: RepoRef, query: string, limit: number, cursor?: string): Promise<Answered<SearchAnswer>> {
    // GitHub ORs repeated scope qualifiers: `x repo:other/y` would search outside the allow-list.
    if (SCOPE_QUALIFIER.test(query)) {
      throw new ScopedSearchQuery();
    }
    const position = positionFor(limit, cursor);
    return this.answer(
      'search',
      { repo: repo.full, query, ...position },
      async (gh) => {
        const page = await gh.searchCode(repo, query, position);
        const hits = page.items.map(shapeCodeSearchHit);
        return fitToBound(
          {
            repo: repo.full,
            query,
            totalCount: page.totalCount ?? hits.length,
            incomplete: page.incomplete,
            hits,
            nextCursor: page.next ? encodeCursor(page.next) : null,
            truncated: page.next !== null,
          },
          ['hits'],
        );
      },
      { cacheAnswer: false },
    );
  }

  activity(repo: RepoRef, limit: number): Promise<Answered<ActivityAnswer>> {
    return this.answer('activity', { repo: repo.full, limit }, async (gh) => {
      const position = { page: 1, perPage: limit };
      const [commits, runs] = await Promise.all([
        this.commitsWithChecks(gh, repo, {}, position),
        gh.workflowRuns(repo, {}, position),
      ]);
      return fitToBound(
        {
          repo: repo.full,
          commits: commits.commits,
          runs: runs.items.map(shapeRun),
          truncated: commits.next !== null || runs.next !== null,
        },
        ['commits', 'runs'],
      );
    });
  }

  /**
   * What `head` adds to `base`: commits (newest first) and files. The comparison is cached by the pair of
   * full shas (it can never change); the check states of the newest `checkedCommits` commits are read each time.
   */
  comparison(repo: RepoRef, base: string, head: string, checkedCommits = 20): Promise<Answered<ComparisonAnswer>> {
    return this.answer(
      'comparison',
      { repo: repo.full, base, head },
      async (gh) => {
        const pairKey = `${this.namespace}:compare:${repo.full}:${base}...${head}`;
        const cacheable = this.cache !== null && FULL_SHA.test(base) && FULL_SHA.test(head);
        const remembered = cacheable ? await this.safeGet(pairKey) : null;
        const summary: ComparisonSummary = remembered
          ? (JSON.parse(remembered) as ComparisonSummary)
          : shapeComparison(await gh.compare(repo, base, head));
        if (cacheable && !remembered) await this.safeSet(pairKey, JSON.stringify(summary), COMPARISON_TTL_MS);
        const commits = await mapLimit(summary.commits, FAN_OUT, async (commit, index) => {
          if (index >= checkedCommits) return { ...commit, checks: null };
          const [status, checkRuns] = await Promise.all([
            gh.combinedStatus(repo, commit.sha),
            gh.checkRuns(repo, commit.sha),
          ]);
          return { ...commit, checks: summarizeChecks(status, checkRuns.check_runs) };
        });
        return fitToBound({ ...summary, commits }, ['files', 'commits']);
      },
      { cacheAnswer: false },
    );
  }

  private async commitsWithChecks(gh: GitHubClient, repo: RepoRef, filters: CommitFilters, position: PagePosition) {
    const page = await gh.commits(
      repo,
      { sha: filters.branch, path: filters.path, since: filters.since, until: filters.until, author: filters.author },
      position,
    );
    const commits = await mapLimit(page.items, FAN_OUT, async (commit: RawCommit) => {
      const [status, checkRuns] = await Promise.all([
        gh.combinedStatus(repo, commit.sha),
        gh.checkRuns(repo, commit.sha),
      ]);
      return shapeCommit(commit, summarizeChecks(status, checkRuns.check_runs));
    });
    return { commits, next: page.next };
  }

  /** Serve from the answer cache when fresh, else produce with a fresh client and remember it. */
  private async answer<T>(
    name: string,
    params: Record<string, unknown>,
    produce: (gh: GitHubClient) => Promise<T>,
    options: { cacheAnswer?: boolean } = {},
  ): Promise<Answered<T>> {
    const useCache = options.cacheAnswer !== false && this.cache !== null && this.settings.answerTtlMs > 0;
    const key = `${this.namespace}:answer:${name}:${stableKey(params)}`;
    if (useCache) {
      const hit = await this.safeGet(key);
      if (hit) {
        const stored = JSON.parse(hit) as { body: T; rateLimit: RateLimit | null };
        return { body: stored.body, cached: true, upstreamRequests: 0, notModified: 0, rateLimit: stored.rateLimit };
      }
    }
    const gh = this.client();
    const body = await produce(gh);
    const rateLimit = gh.rateLimit;
    if (useCache) await this.safeSet(key, JSON.stringify({ body, rateLimit }), this.settings.answerTtlMs);
    await gh.rememberRateLimit();
    return { body, cached: false, upstreamRequests: gh.stats.requests, notModified: gh.stats.notModified, rateLimit };
  }

  private async safeGet(key: string): Promise<string | null> {
    try {
      return await this.cache!.get(key);
    } catch (error) {
      this.log.warn('github answer cache read failed', { reason: String(error).slice(0, 200) });
      return null;
    }
  }

  private async safeSet(key: string, value: string, ttlMs: number): Promise<void> {
    if (value.length > MAX_CACHED_VALUE_CHARS) return;
    const write = this.cache!.set(key, value, ttlMs).catch((error: unknown) => {
      this.log.warn('github answer cache write failed', { reason: String(error).slice(0, 200) });
    });
    if (this.defer) this.defer(write);
    else await write;
  }
}

function stableKey(params: Record<string, unknown>): string {
  return Object.keys(params)
    .sort()
    .filter((k) => params[k] !== undefined)
    .map((k) => `${k}=${encodeURIComponent(String(params[k]))}`)
    .join('&');
}
