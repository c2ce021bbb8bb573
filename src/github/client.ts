import type { RateLimit } from './errors';
import { pageNumberOf, type PagePosition } from './paging';
import type { LogTail } from './log-tail';
import { repoPath } from './rest-types';
import type {
  Page,
  RawBlob,
  RawBranch,
  RawCheckRun,
  RawCodeSearchItem,
  RawCombinedStatus,
  RawCommit,
  RawComparison,
  RawGitTree,
  RawJob,
  RawPull,
  RawPullSimple,
  RawRelease,
  RawRepository,
  RawReview,
  RawShortBranch,
  RawWorkflowRun,
  RepoRef,
} from './rest-types';
import { GitHubTransport, type ClientStats, type GitHubClientOptions } from './transport';
import { jobLogTail } from './job-logs';
import { dispatchWorkflow, dispatchedRuns } from './dispatch';
import { rememberRateLimit, rememberedRateLimit } from './rate-limit-memory';

export type * from './rest-types';
export type { ClientStats, GitHubClientOptions } from './transport';

/**
 * Typed access to one GitHub API root with the token from configuration: one method per
 * endpoint the service uses. The exchange (conditional GETs, timeouts, the one error mapping,
 * request counts) is `GitHubTransport`; job logs, workflow dispatch and the remembered rate
 * limit have their own files. Callers (routes, intents, indexer) only ever see `ApiError`s.
 */
export class GitHubClient {
  private readonly transport: GitHubTransport;

  constructor(options: GitHubClientOptions) {
    this.transport = new GitHubTransport(options);
  }

  /** How many upstream requests this client made, and how many GitHub answered 304. */
  get stats(): ClientStats {
    return this.transport.stats;
  }

  /** The rate limit GitHub reported on its most recent answer. */
  get rateLimit(): RateLimit | null {
    return this.transport.rateLimit;
  }

  // ---- repository ----------------------------------------------------------------------

  repository(repo: RepoRef): Promise<RawRepository> {
    return this.transport
      .get<RawRepository>('/repos/{owner}/{repo}', repoPath(repo), `repository ${repo.full}`)
      .then((r) => r.data);
  }

  languages(repo: RepoRef): Promise<Record<string, number>> {
    return this.transport
      .get<Record<string, number>>('/repos/{owner}/{repo}/languages', repoPath(repo), `languages of ${repo.full}`)
      .then((r) => r.data);
  }

  protectedBranches(repo: RepoRef, max = 100): Promise<Page<RawShortBranch>> {
    return this.transport.page<RawShortBranch>(
      '/repos/{owner}/{repo}/branches',
      { ...repoPath(repo), protected: true },
      { page: 1, perPage: max },
      `branches of ${repo.full}`,
    );
  }

  /** The latest published release, or null when the repository has none. */
  async latestRelease(repo: RepoRef): Promise<RawRelease | null> {
    try {
      return (
        await this.transport.get<RawRelease>(
          '/repos/{owner}/{repo}/releases/latest',
          repoPath(repo),
          `latest release of ${repo.full}`,
        )
      ).data;
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return null;
      throw error;
    }
  }

  /** Open pull requests, counted from one request of one item: the `last` page number is the count. */
  async openPullCount(repo: RepoRef): Promise<number> {
    const { data, link } = await this.transport.get<unknown[]>(
      '/repos/{owner}/{repo}/pulls',
      { ...repoPath(repo), state: 'open', per_page: 1 },
      `pull requests of ${repo.full}`,
    );
    return pageNumberOf(link.last) ?? data.length;
  }

  /** The commit a branch points at, and that commit's tree (intents act on it, the indexer reads from it). */
  async branchHead(repo: RepoRef, branch: string): Promise<{ sha: string; tree: string; protected: boolean }> {
    const { data } = await this.transport.get<RawBranch>(
      '/repos/{owner}/{repo}/branches/{branch}',
      { ...repoPath(repo), branch },
      `branch ${branch} in ${repo.full}`,
    );
    return { sha: data.commit.sha, tree: data.commit.commit.tree.sha, protected: data.protected };
  }

  // ---- git data (content-addressed: a sha names one immutable answer) ----------------------

  /** The files changed from `base` to `head` (GitHub lists at most 300) and how the two relate. */
  compare(repo: RepoRef, base: string, head: string): Promise<RawComparison> {
    const subject = `comparison ${base.slice(0, 12)}...${head.slice(0, 12)} in ${repo.full}`;
    return this.transport
      .get<RawComparison>(
        '/repos/{owner}/{repo}/compare/{basehead}',
        { ...repoPath(repo), basehead: `${base}...${head}` },
        subject,
      )
      .then((r) => r.data);
  }

  /** A git tree, recursively; `truncated` says GitHub cut the listing. */
  /** A tree listing, recursive by default (GitHub cuts a recursive one at 100,000 entries or 7 MB: `truncated`). */
  gitTree(repo: RepoRef, treeSha: string, recursive = true): Promise<RawGitTree> {
    return this.transport
      .get<RawGitTree>(
        '/repos/{owner}/{repo}/git/trees/{tree_sha}',
        { ...repoPath(repo), tree_sha: treeSha, ...(recursive ? { recursive: '1' } : {}) },
        `tree ${treeSha.slice(0, 12)} in ${repo.full}`,
      )
      .then((r) => r.data);
  }

  /** A blob's bytes. Not conditional: a sha never changes its content, and bodies would crowd the cache. */
  async blob(repo: RepoRef, sha: string): Promise<Uint8Array> {
    const { data } = await this.transport.get<RawBlob>(
      '/repos/{owner}/{repo}/git/blobs/{file_sha}',
      { ...repoPath(repo), file_sha: sha },
      `blob ${sha.slice(0, 12)} in ${repo.full}`,
      { conditional: false },
    );
    if (data.encoding !== 'base64') return new TextEncoder().encode(data.content);
    const binary = atob(data.content.replace(/\n/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // ---- commits and checks ---------------------------------------------------------------

  commits(
    repo: RepoRef,
    filters: { sha?: string; path?: string; since?: string; until?: string; author?: string },
    position: PagePosition,
  ): Promise<Page<RawCommit>> {
    const subject = filters.sha ? `branch or ref ${filters.sha} in ${repo.full}` : `commits of ${repo.full}`;
    return this.transport.page<RawCommit>(
      '/repos/{owner}/{repo}/commits',
      { ...repoPath(repo), ...defined(filters) },
      position,
      subject,
    );
  }

  /** One commit with the files it changed against its first parent (GitHub lists the first 300 on one page). */
  commit(repo: RepoRef, sha: string): Promise<RawCommit> {
    return this.transport
      .get<RawCommit>(
        '/repos/{owner}/{repo}/commits/{ref}',
        { ...repoPath(repo), ref: sha },
        `commit ${sha.slice(0, 12)} in ${repo.full}`,
        { conditional: false },
      )
      .then((r) => r.data);
  }

  combinedStatus(repo: RepoRef, ref: string): Promise<RawCombinedStatus> {
    return this.transport
      .get<RawCombinedStatus>(
        '/repos/{owner}/{repo}/commits/{ref}/status',
        { ...repoPath(repo), ref, per_page: 100 },
        `commit ${ref} in ${repo.full}`,
      )
      .then((r) => r.data);
  }

  checkRuns(repo: RepoRef, ref: string): Promise<{ total_count: number; check_runs: RawCheckRun[] }> {
    return this.transport
      .get<{ total_count: number; check_runs: RawCheckRun[] }>(
        '/repos/{owner}/{repo}/commits/{ref}/check-runs',
        { ...repoPath(repo), ref, per_page: 100 },
        `commit ${ref} in ${repo.full}`,
      )
      .then((r) => r.data);
  }

  // ---- Actions ----------------------------------------------------------------------------

  workflowRuns(
    repo: RepoRef,
    filters: { branch?: string; status?: string; workflow?: string },
    position: PagePosition,
  ): Promise<Page<RawWorkflowRun>> {
    const { workflow, ...query } = filters;
    const route = workflow
      ? '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs'
      : '/repos/{owner}/{repo}/actions/runs';
    const subject = workflow ? `workflow ${workflow} in ${repo.full}` : `workflow runs of ${repo.full}`;
    return this.transport.page<RawWorkflowRun>(
      route,
      { ...repoPath(repo), ...defined(query), ...(workflow ? { workflow_id: workflow } : {}) },
      position,
      subject,
      (data: { total_count: number; workflow_runs: RawWorkflowRun[] }) => ({
        items: data.workflow_runs,
        totalCount: data.total_count,
      }),
    );
  }

  workflowRun(repo: RepoRef, runId: number): Promise<RawWorkflowRun> {
    return this.transport
      .get<RawWorkflowRun>(
        '/repos/{owner}/{repo}/actions/runs/{run_id}',
        { ...repoPath(repo), run_id: runId },
        `workflow run ${runId} in ${repo.full}`,
      )
      .then((r) => r.data);
  }

  /** A run's jobs, following Link pages until `max` jobs are read, never beyond. */
  async runJobs(
    repo: RepoRef,
    runId: number,
    max = 100,
  ): Promise<{ jobs: RawJob[]; totalCount: number; truncated: boolean }> {
    const jobs: RawJob[] = [];
    let position: PagePosition | null = { page: 1, perPage: Math.min(100, max) };
    let totalCount = 0;
    while (position && jobs.length < max) {
      const page: Page<RawJob> = await this.transport.page<RawJob>(
        '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
        { ...repoPath(repo), run_id: runId, filter: 'latest' },
        position,
        `jobs of workflow run ${runId} in ${repo.full}`,
        (data: { total_count: number; jobs: RawJob[] }) => ({ items: data.jobs, totalCount: data.total_count }),
      );
      jobs.push(...page.items);
      totalCount = page.totalCount ?? jobs.length;
      position = page.next;
    }
    return { jobs: jobs.slice(0, max), totalCount, truncated: position !== null || jobs.length > max };
  }

  /** The last lines of a job's log, streamed from GitHub's log storage (see job-logs.ts). */
  jobLogTail(repo: RepoRef, jobId: number, maxLines: number): Promise<LogTail> {
    return jobLogTail(this.transport, repo, jobId, maxLines);
  }

  /** Start a workflow_dispatch run, asking for its id (see dispatch.ts for older servers). */
  dispatchWorkflow(
    repo: RepoRef,
    workflow: string,
    ref: string,
    inputs: Record<string, string> = {},
  ): Promise<{ runId?: number }> {
    return dispatchWorkflow(this.transport, repo, workflow, ref, inputs);
  }

  /** workflow_dispatch runs of a workflow on a branch since a time, newest first (see dispatch.ts). */
  dispatchedRuns(
    repo: RepoRef,
    query: { workflow: string; branch: string; headSha?: string; since: Date },
  ): Promise<RawWorkflowRun[]> {
    return dispatchedRuns(this.transport, repo, query);
  }

  // ---- pull requests ----------------------------------------------------------------------

  pulls(repo: RepoRef, state: 'open' | 'closed' | 'all', position: PagePosition): Promise<Page<RawPullSimple>> {
    return this.transport.page<RawPullSimple>(
      '/repos/{owner}/{repo}/pulls',
      { ...repoPath(repo), state, sort: 'updated', direction: 'desc' },
      position,
      `pull requests of ${repo.full}`,
    );
  }

  pull(repo: RepoRef, number: number): Promise<RawPull> {
    return this.transport
      .get<RawPull>(
        '/repos/{owner}/{repo}/pulls/{pull_number}',
        { ...repoPath(repo), pull_number: number },
        `pull request #${number} in ${repo.full}`,
      )
      .then((r) => r.data);
  }

  reviews(repo: RepoRef, number: number): Promise<RawReview[]> {
    return this.transport
      .get<RawReview[]>(
        '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        { ...repoPath(repo), pull_number: number, per_page: 100 },
        `reviews of pull request #${number} in ${repo.full}`,
      )
      .then((r) => r.data);
  }

  // ---- search -------------------------------------------------------------------------------

  searchCode(
    repo: RepoRef,
    query: string,
    position: PagePosition,
  ): Promise<Page<RawCodeSearchItem> & { incomplete: boolean }> {
    return this.transport.page(
      '/search/code',
      { q: `${query} repo:${repo.full}` },
      position,
      `code search in ${repo.full}`,
      (data: { total_count: number; incomplete_results: boolean; items: RawCodeSearchItem[] }) => ({
        items: data.items,
        totalCount: data.total_count,
        incomplete: data.incomplete_results,
      }),
      { accept: 'application/vnd.github.text-match+json' },
    ) as Promise<Page<RawCodeSearchItem> & { incomplete: boolean }>;
  }

  // ---- rate-limit memory across requests -----------------------------------------------------

  /** Keep the rate limit this client last saw for the deployment's status pages (see rate-limit-memory.ts). */
  rememberRateLimit(): Promise<void> {
    return rememberRateLimit(this.transport);
  }

  /** The rate limit last remembered for this deployment, or null. */
  rememberedRateLimit(): Promise<RateLimit | null> {
    return rememberedRateLimit(this.transport);
  }
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
