import { Octokit } from '@octokit/core';
import type { components } from '@octokit/openapi-types';
import type { AnswerCache } from '../cache/answer-cache';
import { MAX_CACHED_VALUE_CHARS } from '../cache/answer-cache';
import type { Logger } from '../lib/log';
import type { GitHubConnection } from './config';
import { mapGitHubFailure, readRateLimit, type Headers_, type RateLimit } from './errors';
import { pageNumberOf, parseLinkHeader, type PagePosition } from './paging';
import { tailOfLog, type LogTail } from './log-tail';

type S = components['schemas'];
export type RawRepository = S['full-repository'];
export type RawCommit = S['commit'];
export type RawCombinedStatus = S['combined-commit-status'];
export type RawCheckRun = S['check-run'];
export type RawWorkflowRun = S['workflow-run'];
export type RawJob = S['job'];
export type RawPullSimple = S['pull-request-simple'];
export type RawPull = S['pull-request'];
export type RawReview = S['pull-request-review'];
export type RawCodeSearchItem = S['code-search-result-item'];
export type RawRelease = S['release'];
export type RawShortBranch = S['short-branch'];
export type RawComparison = S['commit-comparison'];
export type RawGitTree = S['git-tree'];
export type RawBlob = S['blob'];

export interface RepoRef {
  owner: string;
  name: string;
  full: string;
}

export interface Page<T> {
  items: T[];
  /** Where the next slice starts, from GitHub's Link header; null on the last page. */
  next: PagePosition | null;
  totalCount?: number;
}

/** How many upstream requests this client made, and how many GitHub answered 304. */
export interface ClientStats {
  requests: number;
  notModified: number;
}

interface RememberedAnswer {
  etag: string;
  data: unknown;
  link?: string;
}

export interface GitHubClientOptions {
  settings: GitHubConnection;
  /**
   * Where ETags and their bodies are remembered; absent or null disables conditional
   * requests (the repo-index Durable Object has no answer cache).
   */
  cache?: AnswerCache | null;
  /** Key prefix for this project and API root; needed with a cache. */
  cacheNamespace?: string;
  log?: Logger;
  fetch?: typeof fetch;
  /** Run cache writes after the response (ctx.waitUntil); awaited inline when absent. */
  defer?: (work: Promise<unknown>) => void;
}

interface GetOptions {
  accept?: string;
  /** Remember the ETag and send If-None-Match next time (default true). */
  conditional?: boolean;
}

const LOG_TAIL_BYTES = 256 * 1024;
/** How long the deployment remembers the last rate limit GitHub reported (status pages). */
const RATE_LIMIT_MEMORY_MS = 3_600_000;
const LOG_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Typed access to one GitHub API root with the token from configuration. Every method
 * maps GitHub's failures through `mapGitHubFailure`, so callers (routes, intents,
 * indexer) only ever see `ApiError`s. GET requests are conditional: the ETag and body
 * of each answer are remembered in the answer cache and replayed on a 304, which costs
 * no rate limit.
 */
export class GitHubClient {
  readonly stats: ClientStats = { requests: 0, notModified: 0 };
  /** The rate limit GitHub reported on its most recent answer. */
  rateLimit: RateLimit | null = null;
  private readonly octokit: Octokit;

  constructor(private readonly options: GitHubClientOptions) {
    this.octokit = new Octokit({
      auth: options.settings.token,
      baseUrl: options.settings.apiUrl,
      userAgent: 'hezlep-ops-orchestrator',
      // octokit logs deprecations through this; keep its output off the console and tokens out of it.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      request: { fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)) },
    });
  }

  // ---- the generic exchange ----------------------------------------------------------

  /** One GET, conditional on a remembered ETag. `subject` names what was asked for in errors. */
  async get<T>(route: string, params: Record<string, unknown>, subject: string, options: GetOptions = {}): Promise<{ data: T; link: Record<string, string> }> {
    const conditional = options.conditional !== false && !!this.options.cache;
    const headers: Record<string, string> = { 'x-github-api-version': '2022-11-28' };
    if (options.accept) headers.accept = options.accept;
    const endpoint = this.octokit.request.endpoint(`GET ${route}`, { ...params, headers });
    const key = `${this.options.cacheNamespace ?? 'github'}:etag:${options.accept ?? ''}:${endpoint.url}`;
    const remembered = conditional ? await this.recall(key) : null;
    if (remembered) headers['if-none-match'] = remembered.etag;

    this.stats.requests++;
    try {
      const response = await this.octokit.request(`GET ${route}`, {
        ...params,
        headers,
        request: { signal: AbortSignal.timeout(this.options.settings.timeoutMs) },
      });
      this.noteRateLimit(response.headers as Headers_);
      const etag = response.headers.etag;
      const link = response.headers.link;
      if (conditional && etag) await this.remember(key, { etag, data: response.data, ...(link ? { link } : {}) });
      return { data: response.data as T, link: parseLinkHeader(link) };
    } catch (error) {
      const failure = this.failureOf(error);
      if (failure.status === 304 && remembered) {
        this.stats.notModified++;
        return { data: remembered.data as T, link: parseLinkHeader(remembered.link) };
      }
      throw mapGitHubFailure(failure, subject);
    }
  }

  /** One page of a list; the next position comes from the Link header, never from guessing. */
  async page<T>(route: string, params: Record<string, unknown>, position: PagePosition, subject: string, pick?: (data: any) => { items: T[]; totalCount?: number }, options?: GetOptions): Promise<Page<T>> {
    const { data, link } = await this.get<unknown>(route, { ...params, per_page: position.perPage, page: position.page }, subject, options);
    const picked = pick ? pick(data) : { items: data as T[] };
    const nextPage = pageNumberOf(link.next);
    return { ...picked, next: nextPage ? { page: nextPage, perPage: position.perPage } : null };
  }

  // ---- repository ----------------------------------------------------------------------

  repository(repo: RepoRef): Promise<RawRepository> {
    return this.get<RawRepository>('/repos/{owner}/{repo}', this.path(repo), `repository ${repo.full}`).then((r) => r.data);
  }

  languages(repo: RepoRef): Promise<Record<string, number>> {
    return this.get<Record<string, number>>('/repos/{owner}/{repo}/languages', this.path(repo), `languages of ${repo.full}`).then((r) => r.data);
  }

  protectedBranches(repo: RepoRef, max = 100): Promise<Page<RawShortBranch>> {
    return this.page<RawShortBranch>('/repos/{owner}/{repo}/branches', { ...this.path(repo), protected: true }, { page: 1, perPage: max }, `branches of ${repo.full}`);
  }

  /** The latest published release, or null when the repository has none. */
  async latestRelease(repo: RepoRef): Promise<RawRelease | null> {
    try {
      return (await this.get<RawRelease>('/repos/{owner}/{repo}/releases/latest', this.path(repo), `latest release of ${repo.full}`)).data;
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return null;
      throw error;
    }
  }

  /** Open pull requests, counted from one request of one item: the `last` page number is the count. */
  async openPullCount(repo: RepoRef): Promise<number> {
    const { data, link } = await this.get<unknown[]>('/repos/{owner}/{repo}/pulls', { ...this.path(repo), state: 'open', per_page: 1 }, `pull requests of ${repo.full}`);
    return pageNumberOf(link.last) ?? data.length;
  }

  /** The commit a branch points at, and that commit's tree (intents act on it, the indexer reads from it). */
  async branchHead(repo: RepoRef, branch: string): Promise<{ sha: string; tree: string; protected: boolean }> {
    const { data } = await this.get<S['branch-with-protection']>('/repos/{owner}/{repo}/branches/{branch}', { ...this.path(repo), branch }, `branch ${branch} in ${repo.full}`);
    return { sha: data.commit.sha, tree: data.commit.commit.tree.sha, protected: data.protected };
  }

  // ---- git data (content-addressed: a sha names one immutable answer) ----------------------

  /** The files changed from `base` to `head` (GitHub lists at most 300) and how the two relate. */
  compare(repo: RepoRef, base: string, head: string): Promise<RawComparison> {
    const subject = `comparison ${base.slice(0, 12)}...${head.slice(0, 12)} in ${repo.full}`;
    return this.get<RawComparison>('/repos/{owner}/{repo}/compare/{basehead}', { ...this.path(repo), basehead: `${base}...${head}` }, subject).then((r) => r.data);
  }

  /** A git tree, recursively; `truncated` says GitHub cut the listing. */
  gitTree(repo: RepoRef, treeSha: string): Promise<RawGitTree> {
    return this.get<RawGitTree>('/repos/{owner}/{repo}/git/trees/{tree_sha}', { ...this.path(repo), tree_sha: treeSha, recursive: '1' }, `tree ${treeSha.slice(0, 12)} in ${repo.full}`).then((r) => r.data);
  }

  /** A blob's bytes. Not conditional: a sha never changes its content, and bodies would crowd the cache. */
  async blob(repo: RepoRef, sha: string): Promise<Uint8Array> {
    const { data } = await this.get<RawBlob>('/repos/{owner}/{repo}/git/blobs/{file_sha}', { ...this.path(repo), file_sha: sha }, `blob ${sha.slice(0, 12)} in ${repo.full}`, { conditional: false });
    if (data.encoding !== 'base64') return new TextEncoder().encode(data.content);
    const binary = atob(data.content.replace(/\n/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // ---- commits and checks ---------------------------------------------------------------

  commits(repo: RepoRef, filters: { sha?: string; path?: string; since?: string; until?: string; author?: string }, position: PagePosition): Promise<Page<RawCommit>> {
    const subject = filters.sha ? `branch or ref ${filters.sha} in ${repo.full}` : `commits of ${repo.full}`;
    return this.page<RawCommit>('/repos/{owner}/{repo}/commits', { ...this.path(repo), ...defined(filters) }, position, subject);
  }

  combinedStatus(repo: RepoRef, ref: string): Promise<RawCombinedStatus> {
    return this.get<RawCombinedStatus>('/repos/{owner}/{repo}/commits/{ref}/status', { ...this.path(repo), ref, per_page: 100 }, `commit ${ref} in ${repo.full}`).then((r) => r.data);
  }

  checkRuns(repo: RepoRef, ref: string): Promise<{ total_count: number; check_runs: RawCheckRun[] }> {
    return this.get<{ total_count: number; check_runs: RawCheckRun[] }>('/repos/{owner}/{repo}/commits/{ref}/check-runs', { ...this.path(repo), ref, per_page: 100 }, `commit ${ref} in ${repo.full}`).then((r) => r.data);
  }

  // ---- Actions ----------------------------------------------------------------------------

  workflowRuns(repo: RepoRef, filters: { branch?: string; status?: string; workflow?: string }, position: PagePosition): Promise<Page<RawWorkflowRun>> {
    const { workflow, ...query } = filters;
    const route = workflow ? '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs' : '/repos/{owner}/{repo}/actions/runs';
    const subject = workflow ? `workflow ${workflow} in ${repo.full}` : `workflow runs of ${repo.full}`;
    return this.page<RawWorkflowRun>(route, { ...this.path(repo), ...defined(query), ...(workflow ? { workflow_id: workflow } : {}) }, position, subject, (data: { total_count: number; workflow_runs: RawWorkflowRun[] }) => ({
      items: data.workflow_runs,
      totalCount: data.total_count,
    }));
  }

  workflowRun(repo: RepoRef, runId: number): Promise<RawWorkflowRun> {
    return this.get<RawWorkflowRun>('/repos/{owner}/{repo}/actions/runs/{run_id}', { ...this.path(repo), run_id: runId }, `workflow run ${runId} in ${repo.full}`).then((r) => r.data);
  }

  /** A run's jobs, following Link pages until `max` jobs are read, never beyond. */
  async runJobs(repo: RepoRef, runId: number, max = 100): Promise<{ jobs: RawJob[]; totalCount: number; truncated: boolean }> {
    const jobs: RawJob[] = [];
    let position: PagePosition | null = { page: 1, perPage: Math.min(100, max) };
    let totalCount = 0;
    while (position && jobs.length < max) {
      const page: Page<RawJob> = await this.page<RawJob>('/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { ...this.path(repo), run_id: runId, filter: 'latest' }, position, `jobs of workflow run ${runId} in ${repo.full}`, (data: { total_count: number; jobs: RawJob[] }) => ({ items: data.jobs, totalCount: data.total_count }));
      jobs.push(...page.items);
      totalCount = page.totalCount ?? jobs.length;
      position = page.next;
    }
    return { jobs: jobs.slice(0, max), totalCount, truncated: position !== null || jobs.length > max };
  }

  /**
   * The last lines of a job's log. GitHub answers with a redirect to short-lived storage;
   * the redirect is followed by hand so the token is never sent to that other host, and
   * the log is streamed, keeping only its tail in memory.
   */
  async jobLogTail(repo: RepoRef, jobId: number, maxLines: number): Promise<LogTail> {
    const subject = `log of job ${jobId} in ${repo.full}`;
    this.stats.requests++;
    let response: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
    try {
      response = (await this.octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
        ...this.path(repo),
        job_id: jobId,
        request: { redirect: 'manual', parseSuccessResponseBody: false, signal: AbortSignal.timeout(this.options.settings.timeoutMs) },
      })) as typeof response;
    } catch (error) {
      throw mapGitHubFailure(this.failureOf(error), subject);
    }
    this.noteRateLimit(response.headers);
    const location = response.headers.location;
    let body = response.data as ReadableStream<Uint8Array> | null;
    if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
      await body?.cancel().catch(() => undefined);
      let blob: Response;
      try {
        blob = await (this.options.fetch ?? fetch)(location, { signal: AbortSignal.timeout(this.options.settings.timeoutMs) });
      } catch (error) {
        throw mapGitHubFailure({ status: null, headers: {}, message: String(error) }, subject);
      }
      if (!blob.ok) {
        await blob.body?.cancel().catch(() => undefined);
        throw mapGitHubFailure({ status: blob.status, headers: {}, message: `log storage answered ${blob.status}` }, subject);
      }
      body = blob.body;
    }
    if (!body) return { lines: [], truncated: false };
    return tailOfLog(await readTail(body, LOG_TAIL_BYTES, LOG_MAX_BYTES), maxLines);
  }

  /**
   * Start a workflow_dispatch run (used by the intents engine). GitHub answers 200 with the
   * run's id when asked (since 2026-02); older servers answer 204, and an older GitHub
   * Enterprise Server refuses the unknown key, in which case nothing was dispatched and
   * the request is sent once more without it.
   */
  async dispatchWorkflow(repo: RepoRef, workflow: string, ref: string, inputs: Record<string, string> = {}): Promise<{ runId?: number }> {
    const send = (withDetails: boolean) => {
      this.stats.requests++;
      return this.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...this.path(repo),
        workflow_id: workflow,
        ref,
        inputs,
        ...(withDetails ? { return_run_details: true } : {}),
        request: { signal: AbortSignal.timeout(this.options.settings.timeoutMs) },
      } as never) as Promise<{ status: number; headers: Headers_; data?: { workflow_run_id?: unknown } }>;
    };
    const subject = `workflow ${workflow} in ${repo.full}`;
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(true);
    } catch (error) {
      const failure = this.failureOf(error);
      if (!((failure.status === 400 || failure.status === 422) && failure.message.includes('return_run_details'))) throw mapGitHubFailure(failure, subject, Date.now(), 'write');
      try {
        response = await send(false);
      } catch (retried) {
        throw mapGitHubFailure(this.failureOf(retried), subject, Date.now(), 'write');
      }
    }
    this.noteRateLimit(response.headers);
    const runId = response.data?.workflow_run_id;
    return typeof runId === 'number' ? { runId } : {};
  }

  /**
   * workflow_dispatch runs of `workflow` on `branch` created at or after `since` (a second of
   * slack for clock skew), for `headSha` when given, newest first. Not conditional: the
   * time filter makes every query new.
   */
  async dispatchedRuns(repo: RepoRef, query: { workflow: string; branch: string; headSha?: string; since: Date }): Promise<RawWorkflowRun[]> {
    const created = `>=${new Date(query.since.getTime() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    const params = { ...this.path(repo), workflow_id: query.workflow, branch: query.branch, event: 'workflow_dispatch', created, ...(query.headSha ? { head_sha: query.headSha } : {}), per_page: 20 };
    const { data } = await this.get<{ workflow_runs: RawWorkflowRun[] }>('/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', params, `workflow ${query.workflow} in ${repo.full}`, { conditional: false });
    return data.workflow_runs
      .filter((run) => !query.headSha || run.head_sha === query.headSha)
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  }

  // ---- pull requests ----------------------------------------------------------------------

  pulls(repo: RepoRef, state: 'open' | 'closed' | 'all', position: PagePosition): Promise<Page<RawPullSimple>> {
    return this.page<RawPullSimple>('/repos/{owner}/{repo}/pulls', { ...this.path(repo), state, sort: 'updated', direction: 'desc' }, position, `pull requests of ${repo.full}`);
  }

  pull(repo: RepoRef, number: number): Promise<RawPull> {
    return this.get<RawPull>('/repos/{owner}/{repo}/pulls/{pull_number}', { ...this.path(repo), pull_number: number }, `pull request #${number} in ${repo.full}`).then((r) => r.data);
  }

  reviews(repo: RepoRef, number: number): Promise<RawReview[]> {
    return this.get<RawReview[]>('/repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...this.path(repo), pull_number: number, per_page: 100 }, `reviews of pull request #${number} in ${repo.full}`).then((r) => r.data);
  }

  // ---- search -------------------------------------------------------------------------------

  searchCode(repo: RepoRef, query: string, position: PagePosition): Promise<Page<RawCodeSearchItem> & { incomplete: boolean }> {
    return this.page(
      '/search/code',
      { q: `${query} repo:${repo.full}` },
      position,
      `code search in ${repo.full}`,
      (data: { total_count: number; incomplete_results: boolean; items: RawCodeSearchItem[] }) => ({ items: data.items, totalCount: data.total_count, incomplete: data.incomplete_results }),
      { accept: 'application/vnd.github.text-match+json' },
    ) as Promise<Page<RawCodeSearchItem> & { incomplete: boolean }>;
  }

  // ---- rate-limit memory across requests -----------------------------------------------------

  /**
   * Keep the rate limit this client last saw in the answer cache, so status pages can report
   * it for the deployment; a no-op without a cache or before any answer.
   */
  async rememberRateLimit(): Promise<void> {
    if (!this.rateLimit || !this.options.cache) return;
    const write = this.options.cache.set(this.rateLimitKey(), JSON.stringify(this.rateLimit), RATE_LIMIT_MEMORY_MS).catch((error: unknown) => {
      this.options.log?.warn('github rate limit write failed', { reason: String(error).slice(0, 200) });
    });
    if (this.options.defer) this.options.defer(write);
    else await write;
  }

  /** The rate limit last remembered for this deployment, or null. */
  async rememberedRateLimit(): Promise<RateLimit | null> {
    if (!this.options.cache) return null;
    try {
      const text = await this.options.cache.get(this.rateLimitKey());
      return text ? (JSON.parse(text) as RateLimit) : null;
    } catch {
      return null;
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  private rateLimitKey(): string {
    return `${this.options.cacheNamespace ?? 'github'}:ratelimit`;
  }

  private path(repo: RepoRef) {
    return { owner: repo.owner, repo: repo.name };
  }

  private noteRateLimit(headers: Headers_): void {
    const seen = readRateLimit(headers);
    // The search API has its own, smaller window; report the core one when both were seen.
    if (seen && (seen.resource === undefined || seen.resource === 'core' || !this.rateLimit)) this.rateLimit = seen;
  }

  /** Reduce whatever octokit threw to status, headers and message: the request (and its token) stays behind. */
  private failureOf(error: unknown): { status: number | null; headers: Headers_; message: string } {
    const e = error as { status?: number; response?: { headers?: Headers_; data?: { message?: unknown } }; message?: string; name?: string };
    const headers = e.response?.headers ?? {};
    this.noteRateLimit(headers);
    const reached = typeof e.status === 'number' && e.response !== undefined;
    // GitHub's own message, without the documentation link octokit appends.
    const said = e.response?.data?.message;
    return { status: reached ? e.status! : null, headers, message: typeof said === 'string' ? said : String(e.message ?? e.name ?? 'unknown error') };
  }

  private async recall(key: string): Promise<RememberedAnswer | null> {
    try {
      const text = await this.options.cache!.get(key);
      return text ? (JSON.parse(text) as RememberedAnswer) : null;
    } catch (error) {
      this.options.log?.warn('github etag cache read failed', { reason: String(error).slice(0, 200) });
      return null;
    }
  }

  private async remember(key: string, answer: RememberedAnswer): Promise<void> {
    const text = JSON.stringify(answer);
    if (text.length > MAX_CACHED_VALUE_CHARS) return;
    const write = this.options.cache!.set(key, text, this.options.settings.etagTtlMs).catch((error: unknown) => {
      this.options.log?.warn('github etag cache write failed', { reason: String(error).slice(0, 200) });
    });
    if (this.options.defer) this.options.defer(write);
    else await write;
  }
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/** Read a stream to its end keeping only the last `keepBytes`; stop reading after `maxBytes`. */
async function readTail(stream: ReadableStream<Uint8Array>, keepBytes: number, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  const reader = stream.getReader();
  let chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    kept += value.byteLength;
    total += value.byteLength;
    while (kept - (chunks[0]?.byteLength ?? 0) >= keepBytes && chunks.length > 1) {
      kept -= chunks.shift()!.byteLength;
      cut = true;
    }
    if (total >= maxBytes) {
      await reader.cancel().catch(() => undefined);
      cut = true;
      break;
    }
  }
  const joined = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  chunks = [];
  return { text: new TextDecoder().decode(joined), cut };
}
