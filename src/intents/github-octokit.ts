import { Octokit } from 'octokit';
import { ApiError } from '../errors';
import type { CombinedState, DispatchRequest, IntentGitHub, WorkflowRun } from './ports';

export interface GitHubSettings {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
}

interface RunPayload {
  id: number;
  html_url: string;
  head_sha: string;
  head_branch: string | null;
  status: string | null;
  conclusion: string | null;
  created_at: string;
}

function toRun(run: RunPayload): WorkflowRun {
  return {
    id: run.id,
    url: run.html_url,
    headSha: run.head_sha,
    headBranch: run.head_branch,
    status: run.status ?? 'queued',
    conclusion: run.conclusion,
    createdAt: run.created_at,
  };
}

/** Map octokit failures to the API's upstream codes; the token never appears in a message. */
export function asUpstreamError(error: unknown, what: string): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as { status?: unknown }).status;
  const headers = ((error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}) as Record<string, string>;
  const message = String((error as { response?: { data?: { message?: unknown } } }).response?.data?.message ?? '').slice(0, 200);
  const answered = (error as { response?: unknown }).response !== undefined;
  // octokit reports a network failure as status 500 without a response.
  if (typeof status !== 'number' || !answered) {
    return new ApiError('upstream_unavailable', `GitHub could not be reached to ${what}.`, { internal: error });
  }
  const remaining = headers['x-ratelimit-remaining'];
  if (status === 429 || (status === 403 && (remaining === '0' || headers['retry-after']))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter = Number(headers['retry-after']) || (reset ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : 60);
    return new ApiError('rate_limited', `GitHub's rate limit was hit while trying to ${what}; retry later.`, { extra: { retryAfter }, headers: { 'retry-after': String(retryAfter) } });
  }
  if (status >= 500) return new ApiError('upstream_error', `GitHub failed (${status}) while trying to ${what}.`, { internal: error });
  if (status === 401) return new ApiError('upstream_error', `GitHub refused the configured token (401) while trying to ${what}.`, { internal: error });
  if (status === 404) return new ApiError('not_found', `GitHub found nothing to ${what} (404${message ? `: ${message}` : ''}).`, { internal: error });
  return new ApiError('upstream_error', `GitHub refused to ${what} (${status}${message ? `: ${message}` : ''}).`, { internal: error });
}

/** The intent engine's GitHub calls through octokit, against GITHUB_API_URL (GitHub Enterprise works too). */
export class OctokitIntentGitHub implements IntentGitHub {
  readonly configured = true;
  private readonly octokit: Octokit;

  constructor(private readonly settings: GitHubSettings) {
    this.octokit = new Octokit({
      auth: settings.token,
      baseUrl: settings.apiUrl.replace(/\/+$/, ''),
      userAgent: 'hezlep-ops-orchestrator',
      // Retries and waits belong to the caller here: a request must answer promptly.
      retry: { enabled: false },
      throttle: { enabled: false },
    });
  }

  private get repo() {
    return { owner: this.settings.owner, repo: this.settings.repo };
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw asUpstreamError(error, what);
    }
  }

  branchHead(branch: string): Promise<string> {
    return this.call(`read the head of branch ${branch}`, async () => {
      const { data } = await this.octokit.rest.repos.getBranch({ ...this.repo, branch });
      return data.commit.sha;
    });
  }

  combinedStatus(sha: string): Promise<CombinedState> {
    return this.call(`read the checks of ${sha.slice(0, 12)}`, async () => {
      const { data } = await this.octokit.rest.repos.getCombinedStatusForRef({ ...this.repo, ref: sha });
      return data.state as CombinedState;
    });
  }

  dispatchWorkflow(request: DispatchRequest): Promise<{ runId?: number }> {
    return this.call(`dispatch workflow ${request.workflow}`, async () => {
      const send = (withDetails: boolean) =>
        this.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
          ...this.repo,
          workflow_id: request.workflow,
          ref: request.ref,
          inputs: request.inputs,
          // GitHub answers 200 with the run's id when asked (since 2026-02); older servers answer 204.
          ...(withDetails ? { return_run_details: true } : {}),
        } as never);
      let response: unknown;
      try {
        response = await send(true);
      } catch (error) {
        // An older GitHub Enterprise Server refuses the unknown key: nothing was dispatched, so ask again without it.
        const status = (error as { status?: number }).status;
        const message = String((error as { response?: { data?: { message?: unknown } } }).response?.data?.message ?? '');
        if ((status === 400 || status === 422) && message.includes('return_run_details')) response = await send(false);
        else throw error;
      }
      const data = (response as { status: number; data?: { workflow_run_id?: unknown } }).data;
      const runId = typeof data?.workflow_run_id === 'number' ? data.workflow_run_id : undefined;
      return runId === undefined ? {} : { runId };
    });
  }

  findDispatchedRun(query: { workflow: string; branch: string; headSha?: string; since: Date }): Promise<WorkflowRun | undefined> {
    return this.call(`list runs of workflow ${query.workflow}`, async () => {
      const { data } = await this.octokit.rest.actions.listWorkflowRuns({
        ...this.repo,
        workflow_id: query.workflow,
        branch: query.branch,
        event: 'workflow_dispatch',
        created: `>=${new Date(query.since.getTime() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
        ...(query.headSha ? { head_sha: query.headSha } : {}),
        per_page: 20,
      });
      const runs = (data.workflow_runs as RunPayload[])
        .filter((run) => !query.headSha || run.head_sha === query.headSha)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
      return runs[0] ? toRun(runs[0]) : undefined;
    });
  }

  run(runId: number): Promise<WorkflowRun> {
    return this.call(`read workflow run ${runId}`, async () => {
      const { data } = await this.octokit.rest.actions.getWorkflowRun({ ...this.repo, run_id: runId });
      return toRun(data as RunPayload);
    });
  }
}

/** Used when GITHUB_TOKEN/GITHUB_REPO are unset: reads and dispatches say plainly that GitHub is not configured. */
export class UnconfiguredIntentGitHub implements IntentGitHub {
  readonly configured = false;
  private refuse(): never {
    throw new ApiError('not_configured', 'GitHub is not configured (set GITHUB_TOKEN and GITHUB_REPO).');
  }
  async branchHead(): Promise<string> {
    this.refuse();
  }
  async combinedStatus(): Promise<CombinedState> {
    this.refuse();
  }
  async dispatchWorkflow(): Promise<{ runId?: number }> {
    this.refuse();
  }
  async findDispatchedRun(): Promise<WorkflowRun | undefined> {
    this.refuse();
  }
  async run(): Promise<WorkflowRun> {
    this.refuse();
  }
}
