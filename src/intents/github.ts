import { ApiError } from '../errors';
import type { GitHubClient, RawWorkflowRun, RepoRef } from '../github/client';
import type { CombinedState, DispatchRequest, IntentGitHub, WorkflowRun } from './ports';

function toRun(run: RawWorkflowRun): WorkflowRun {
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

/**
 * The intent engine's GitHub calls, through the shared client: auth, GITHUB_API_URL
 * (GitHub Enterprise too), error mapping, rate-limit memory and conditional reads live there.
 */
export class ClientIntentGitHub implements IntentGitHub {
  readonly configured = true;

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: RepoRef,
  ) {}

  async branchHead(branch: string): Promise<string> {
    return (await this.remembering(this.client.branchHead(this.repo, branch))).sha;
  }

  async combinedStatus(sha: string): Promise<CombinedState> {
    return (await this.remembering(this.client.combinedStatus(this.repo, sha))).state as CombinedState;
  }

  dispatchWorkflow(request: DispatchRequest): Promise<{ runId?: number }> {
    return this.remembering(this.client.dispatchWorkflow(this.repo, request.workflow, request.ref, request.inputs));
  }

  async findDispatchedRun(query: {
    workflow: string;
    branch: string;
    headSha?: string;
    since: Date;
  }): Promise<WorkflowRun | undefined> {
    const [newest] = await this.remembering(this.client.dispatchedRuns(this.repo, query));
    return newest ? toRun(newest) : undefined;
  }

  async run(runId: number): Promise<WorkflowRun> {
    return toRun(await this.remembering(this.client.workflowRun(this.repo, runId)));
  }

  /** Intents spend the same token's rate limit as every other caller: keep what GitHub said, even on a refusal. */
  private async remembering<T>(exchange: Promise<T>): Promise<T> {
    try {
      return await exchange;
    } finally {
      await this.client.rememberRateLimit();
    }
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
