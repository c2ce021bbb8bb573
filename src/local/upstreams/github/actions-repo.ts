/** The Actions part's state per repository and the GitHub shapes it answers with (see ./actions.ts). */

export interface Run {
  id: number;
  name: string;
  workflowFile: string;
  headBranch: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  runNumber: number;
}

export interface CommitStatus {
  id: number;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface ActionsRepo {
  owner: string;
  name: string;
  branches: Map<string, string>;
  statuses: Map<string, CommitStatus[]>;
  runs: Run[];
  dispatches: { workflow: string; ref: string; inputs: Record<string, unknown>; at: string }[];
  history: string[];
  commits: Map<
    string,
    { message?: string; author?: string; files?: { path: string; additions: number; deletions: number }[] }
  >;
  failNextDispatch?: number;
  legacyDispatch?: boolean;
  rateLimitNext?: 'primary' | 'secondary';
  /** Behave like a GitHub Enterprise Server that predates return_run_details and refuses unknown keys. */
  olderServer?: boolean;
  /** Runs move on at each read and end with this conclusion (a workflow that "runs" by itself). */
  finishRuns?: 'success' | 'failure';
  /** With finishRuns, also end each run this long after its dispatch (`npm run dev`'s demo; tests read instead). */
  finishAfterMs?: number;
}

/** A GitHub error answer: its status, message and extra headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What a route answers: a status and, unless it is empty, a JSON body. */
export interface RouteResult {
  status: number;
  json?: unknown;
}

let lastId = 9_000_000;
/** Ids for runs and statuses, unique across repositories like GitHub's. */
export const nextId = (): number => lastId++;

export const apiUrl = (origin: string, repo: ActionsRepo) => `${origin}/repos/${repo.owner}/${repo.name}`;
export const htmlUrl = (repo: ActionsRepo) => `https://github.example/${repo.owner}/${repo.name}`;

export function runJson(origin: string, repo: ActionsRepo, run: Run) {
  const api = (r: ActionsRepo) => apiUrl(origin, r);
  const html = htmlUrl;
  return {
    id: run.id,
    name: run.name,
    node_id: `WFR_${run.id}`,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${run.workflowFile}`,
    display_title: run.name,
    run_number: run.runNumber,
    event: 'workflow_dispatch',
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflowId(run.workflowFile),
    check_suite_id: run.id + 1,
    url: `${api(repo)}/actions/runs/${run.id}`,
    html_url: `${html(repo)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_attempt: 1,
    run_started_at: run.createdAt,
    jobs_url: `${api(repo)}/actions/runs/${run.id}/jobs`,
    logs_url: `${api(repo)}/actions/runs/${run.id}/logs`,
    workflow_url: `${api(repo)}/actions/workflows/${workflowId(run.workflowFile)}`,
    head_commit: { id: run.headSha, tree_id: run.headSha, message: 'commit', timestamp: run.createdAt },
    repository: { id: 1, name: repo.name, full_name: `${repo.owner}/${repo.name}` },
  };
}

export function workflowId(file: string): number {
  let hash = 0;
  for (const ch of file) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000;
  return 100_000 + hash;
}
