import type { WorkflowRun } from './ports';

/** The parts of GitHub's `workflow_run` webhook payload the intents engine reads. */
export interface WorkflowRunEvent {
  /** requested, in_progress or completed. */
  action: string;
  repo: string;
  run: WorkflowRun;
}

/** Read a `workflow_run` delivery (already verified); null when it is not one. */
export function readWorkflowRunEvent(payload: unknown): WorkflowRunEvent | null {
  const body = payload as {
    action?: unknown;
    repository?: { full_name?: unknown };
    workflow_run?: {
      id?: unknown;
      html_url?: unknown;
      head_sha?: unknown;
      head_branch?: unknown;
      status?: unknown;
      conclusion?: unknown;
      created_at?: unknown;
    };
  };
  const run = body?.workflow_run;
  if (
    !run ||
    typeof run.id !== 'number' ||
    typeof run.status !== 'string' ||
    typeof body.repository?.full_name !== 'string'
  )
    return null;
  return {
    action: String(body.action ?? ''),
    repo: body.repository.full_name,
    run: {
      id: run.id,
      url: String(run.html_url ?? ''),
      headSha: String(run.head_sha ?? ''),
      headBranch: typeof run.head_branch === 'string' ? run.head_branch : null,
      status: run.status,
      conclusion: typeof run.conclusion === 'string' ? run.conclusion : null,
      createdAt: String(run.created_at ?? ''),
    },
  };
}
