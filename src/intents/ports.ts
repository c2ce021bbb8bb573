/**
 * The few outside calls intent execution needs, behind small ports so the
 * shared GitHub client and the Cloudways adapter can replace these adapters
 * without touching the intent rules.
 */

export type CombinedState = 'success' | 'pending' | 'failure' | 'error';

export interface WorkflowRun {
  id: number;
  url: string;
  headSha: string;
  headBranch: string | null;
  /** queued, in_progress, completed, waiting, requested, pending. */
  status: string;
  /** success, failure, cancelled, … once completed; null before. */
  conclusion: string | null;
  createdAt: string;
}

export interface DispatchRequest {
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export interface IntentGitHub {
  readonly configured: boolean;
  /** The head commit sha of a branch. */
  branchHead(branch: string): Promise<string>;
  /** The combined commit status of an exact commit. */
  combinedStatus(sha: string): Promise<CombinedState>;
  /** workflow_dispatch; returns the run id when GitHub reports it. */
  dispatchWorkflow(request: DispatchRequest): Promise<{ runId?: number }>;
  /** The newest workflow_dispatch run of `workflow` on `branch` for `headSha` created at or after `since`. */
  findDispatchedRun(query: {
    workflow: string;
    branch: string;
    headSha?: string;
    since: Date;
  }): Promise<WorkflowRun | undefined>;
  run(runId: number): Promise<WorkflowRun>;
}

export type HostingOperation = 'restart' | 'purge-cache';

export type HostingResult =
  | { status: 'done'; detail?: string }
  | { status: 'failed'; detail: string }
  | { status: 'not_configured' };

export interface HostingOperations {
  readonly configured: boolean;
  health(target: string): Promise<'healthy' | 'unhealthy' | 'not_configured'>;
  perform(operation: HostingOperation, target: string): Promise<HostingResult>;
}
