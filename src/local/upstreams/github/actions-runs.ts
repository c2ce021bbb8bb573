import {
  HttpError,
  apiUrl,
  htmlUrl,
  nextId,
  runJson,
  workflowId,
  type ActionsRepo,
  type Run,
  type RouteResult,
} from './actions-repo';

/** What the workflow routes use from the stand-in around them. */
export interface RunsAccess {
  origin: string;
  /** The commit a branch points at (in memory, or the git-backed repository's real one). */
  branchOf(repo: ActionsRepo, branch: string): string | undefined;
  onRunCompleted?(fullName: string, run: Record<string, unknown>): void;
}

/** A read of a run under `finishRuns` moves it one step on. */
export function advance(access: RunsAccess, repo: ActionsRepo, run: Run): void {
  if (!repo.finishRuns || run.status === 'completed') return;
  run.status = run.status === 'queued' ? 'in_progress' : 'completed';
  if (run.status === 'completed') run.conclusion = repo.finishRuns;
  run.updatedAt = new Date().toISOString();
  if (run.status === 'completed')
    access.onRunCompleted?.(`${repo.owner}/${repo.name}`, runJson(access.origin, repo, run));
}

/** The workflow routes (dispatch, list runs, one run, its jobs); null when `rest` names none of them. */
export function routeRuns(
  access: RunsAccess,
  repo: ActionsRepo,
  method: string,
  rest: string,
  query: URLSearchParams,
  body: Record<string, any>,
): RouteResult | null {
  const api = (r: ActionsRepo) => apiUrl(access.origin, r);
  const html = htmlUrl;
  let m: RegExpMatchArray | null;

  if (method === 'POST' && (m = rest.match(/^\/actions\/workflows\/([^/]+)\/dispatches$/))) {
    const workflow = decodeURIComponent(m[1]!);
    if (repo.failNextDispatch) {
      const status = repo.failNextDispatch;
      repo.failNextDispatch = undefined;
      throw new HttpError(status, status >= 500 ? 'Server Error' : 'Unexpected inputs provided');
    }
    if (workflow.startsWith('missing')) throw new HttpError(404, 'Not Found');
    if (repo.olderServer && 'return_run_details' in body)
      throw new HttpError(422, 'Invalid request.\n\n"return_run_details" is not a permitted key.');
    const ref = String(body.ref ?? '').replace(/^refs\/heads\//, '');
    const sha = access.branchOf(repo, ref);
    if (!sha) throw new HttpError(422, `No ref found for: ${body.ref}`);
    const now = new Date().toISOString();
    const run: Run = {
      id: nextId(),
      name: workflow.replace(/\.ya?ml$/, ''),
      workflowFile: workflow,
      headBranch: ref,
      headSha: sha,
      status: 'queued',
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      runNumber: repo.runs.length + 1,
    };
    repo.runs.push(run);
    if (repo.finishRuns && repo.finishAfterMs !== undefined) {
      setTimeout(() => {
        advance(access, repo, run);
        advance(access, repo, run);
      }, repo.finishAfterMs).unref();
    }
    repo.dispatches.push({ workflow, ref, inputs: body.inputs ?? {}, at: now });
    if (body.return_run_details === true && !repo.legacyDispatch) {
      return {
        status: 200,
        json: {
          workflow_run_id: run.id,
          run_url: `${api(repo)}/actions/runs/${run.id}`,
          html_url: `${html(repo)}/actions/runs/${run.id}`,
        },
      };
    }
    return { status: 204 };
  }

  if (method === 'GET' && (m = rest.match(/^\/actions\/workflows\/([^/]+)\/runs$/))) {
    const workflow = decodeURIComponent(m[1]!);
    const created = query.get('created');
    const since = created?.startsWith('>=') ? Date.parse(created.slice(2)) : undefined;
    const runs = repo.runs
      .filter((r) => r.workflowFile === workflow || String(workflowId(r.workflowFile)) === workflow)
      .filter((r) => !query.get('branch') || r.headBranch === query.get('branch'))
      .filter((r) => !query.get('event') || query.get('event') === 'workflow_dispatch')
      .filter((r) => !query.get('head_sha') || r.headSha === query.get('head_sha'))
      .filter((r) => since === undefined || Date.parse(r.createdAt) >= since)
      .sort((a, b) => b.id - a.id);
    for (const run of runs) advance(access, repo, run);
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
    return {
      status: 200,
      json: {
        total_count: runs.length,
        workflow_runs: runs.slice(0, perPage).map((r) => runJson(access.origin, repo, r)),
      },
    };
  }

  if (method === 'GET' && rest === '/actions/runs') {
    const runs = repo.runs
      .filter((r) => !query.get('branch') || r.headBranch === query.get('branch'))
      .sort((a, b) => b.id - a.id);
    for (const run of runs) advance(access, repo, run);
    const wanted = runs.filter(
      (r) => !query.get('status') || r.status === query.get('status') || r.conclusion === query.get('status'),
    );
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
    return {
      status: 200,
      json: {
        total_count: wanted.length,
        workflow_runs: wanted.slice(0, perPage).map((r) => runJson(access.origin, repo, r)),
      },
    };
  }

  if (method === 'GET' && (m = rest.match(/^\/actions\/runs\/(\d+)\/jobs$/))) {
    const run = repo.runs.find((r) => r.id === Number(m![1]));
    if (!run) throw new HttpError(404, 'Not Found');
    const job = {
      id: run.id + 2,
      run_id: run.id,
      name: run.name,
      status: run.status,
      conclusion: run.conclusion,
      head_sha: run.headSha,
      started_at: run.createdAt,
      completed_at: run.status === 'completed' ? run.updatedAt : null,
      html_url: `${html(repo)}/actions/runs/${run.id}/job/${run.id + 2}`,
      steps: [
        {
          name: run.name,
          status: run.status,
          conclusion: run.conclusion,
          number: 1,
          started_at: run.createdAt,
          completed_at: run.status === 'completed' ? run.updatedAt : null,
        },
      ],
    };
    return { status: 200, json: { total_count: 1, jobs: [job] } };
  }

  if (method === 'GET' && (m = rest.match(/^\/actions\/runs\/(\d+)$/))) {
    const run = repo.runs.find((r) => r.id === Number(m![1]));
    if (!run) throw new HttpError(404, 'Not Found');
    advance(access, repo, run);
    return { status: 200, json: runJson(access.origin, repo, run) };
  }

  return null;
}
