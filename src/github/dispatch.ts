import { mapGitHubFailure, type Headers_ } from './errors';
import { repoPath, type RawWorkflowRun, type RepoRef } from './rest-types';
import type { GitHubTransport } from './transport';

/**
 * Start a workflow_dispatch run (used by the intents engine). GitHub answers 200 with the
 * run's id when asked (since 2026-02); older servers answer 204, and an older GitHub
 * Enterprise Server refuses the unknown key, in which case nothing was dispatched and
 * the request is sent once more without it.
 */
export async function dispatchWorkflow(
  transport: GitHubTransport,
  repo: RepoRef,
  workflow: string,
  ref: string,
  inputs: Record<string, string> = {},
): Promise<{ runId?: number }> {
  const send = (withDetails: boolean) => {
    transport.stats.requests++;
    return transport.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...repoPath(repo),
      workflow_id: workflow,
      ref,
      inputs,
      ...(withDetails ? { return_run_details: true } : {}),
      request: { signal: transport.deadline() },
    } as never) as Promise<{ status: number; headers: Headers_; data?: { workflow_run_id?: unknown } }>;
  };
  const subject = `workflow ${workflow} in ${repo.full}`;
  let response: Awaited<ReturnType<typeof send>>;
  try {
    response = await send(true);
  } catch (error) {
    const failure = transport.failureOf(error);
    if (!((failure.status === 400 || failure.status === 422) && failure.message.includes('return_run_details')))
      throw mapGitHubFailure(failure, subject, Date.now(), 'write');
    try {
      response = await send(false);
    } catch (retried) {
      throw mapGitHubFailure(transport.failureOf(retried), subject, Date.now(), 'write');
    }
  }
  transport.noteRateLimit(response.headers);
  const runId = response.data?.workflow_run_id;
  return typeof runId === 'number' ? { runId } : {};
}

/**
 * workflow_dispatch runs of `workflow` on `branch` created at or after `since` (a second of
 * slack for clock skew), for `headSha` when given, newest first. Not conditional: the
 * time filter makes every query new.
 */
export async function dispatchedRuns(
  transport: GitHubTransport,
  repo: RepoRef,
  query: { workflow: string; branch: string; headSha?: string; since: Date },
): Promise<RawWorkflowRun[]> {
  const created = `>=${new Date(query.since.getTime() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  const params = {
    ...repoPath(repo),
    workflow_id: query.workflow,
    branch: query.branch,
    event: 'workflow_dispatch',
    created,
    ...(query.headSha ? { head_sha: query.headSha } : {}),
    per_page: 20,
  };
  const { data } = await transport.get<{ workflow_runs: RawWorkflowRun[] }>(
    '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    params,
    `workflow ${query.workflow} in ${repo.full}`,
    { conditional: false },
  );
  return data.workflow_runs
    .filter((run) => !query.headSha || run.head_sha === query.headSha)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
}
