import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HttpError,
  apiUrl,
  htmlUrl,
  nextId,
  runJson,
  type ActionsRepo as Repo,
  type CommitStatus,
  type RouteResult,
} from './actions-repo';
import { routeRuns, type RunsAccess } from './actions-runs';
import type { GitHubRoutes, StandInContext } from './routes';

/**
 * The GitHub stand-in's Actions, statuses and refs: the handful of GitHub REST routes the intent engine uses,
 * answering with GitHub's documented shapes (docs.github.com/rest):
 *  - GET   /repos/{o}/{r}/branches/{branch}                      -> branch (commit.sha), 404 "Branch not found"
 *  - GET   /repos/{o}/{r}/commits/{ref}/status                   -> combined status (pending when no statuses)
 *  - POST  /repos/{o}/{r}/statuses/{sha}                         -> 201 status (tests set checks this way)
 *  - POST  /repos/{o}/{r}/git/refs            {ref, sha}          -> 201 ref (create a branch)
 *  - PATCH /repos/{o}/{r}/git/refs/heads/{b}  {sha, force}        -> 200 ref (move a branch)
 *  - POST  /repos/{o}/{r}/actions/workflows/{id}/dispatches      -> 204, or 200 {workflow_run_id, run_url, html_url}
 *        with return_run_details; 422 "No ref found for: x" for an unknown ref; 404 for a workflow named missing*
 *  - GET   /repos/{o}/{r}/actions/workflows/{id}/runs?branch&event&created&head_sha -> {total_count, workflow_runs}
 *  - GET   /repos/{o}/{r}/actions/runs/{run_id}                  -> workflow run
 *  - GET   /repos/{o}/{r}/compare/{base}...{head}                -> commit-comparison over the repository's history
 *  - GET   /repos/{o}/{r}/commits/{ref}/check-runs               -> {total_count: 0, check_runs: []}
 * History: every sha a branch is created at or moved to follows the previous one, so a comparison lists the
 * shas in between (each touching `changes/<short sha>.txt`, or the files given through the control route).
 * Requests need `Authorization: token|Bearer <token>`, else 401 "Bad credentials".
 * Repositories spring into existence on first use, so each test names its own.
 * Test controls (no auth, not GitHub's): under /_control/repos/{o}/{r}/:
 *  - POST runs/{id} {status, conclusion}     finish or advance a run
 *  - GET  dispatches                         every dispatch received, in order
 *  - POST behaviour {failNextDispatch?: status, legacyDispatch?: bool, olderServer?: bool, rateLimitNext?: 'primary' | 'secondary',
 *                   finishRuns?: 'success' | 'failure', finishAfterMs?: number}
 *  - POST commits/{sha} {message?, author?, files?: [{path, additions, deletions}]}   describe a commit of the history
 *    (finishRuns: each read of a run moves it on, queued -> in_progress -> completed; finishAfterMs: it also ends by itself)
 * A git-backed repository's branches are its real ones (`branchHead`); others live in memory.
 */
export interface ActionsRepos extends GitHubRoutes {
  /** Whether the repository has Actions state here (branches, statuses, runs or behaviour). */
  has(fullName: string): boolean;
  /** Set a repository's behaviour, as POST /_control/repos/{o}/{r}/behaviour does. */
  behave(fullName: string, behaviour: Record<string, unknown>): void;
}

export interface ActionsHooks {
  /** The commit a branch of a git-backed repository points at. */
  branchHead(fullName: string, branch: string): string | null;
  /** Told when a run completes (the stand-in may deliver a workflow_run webhook). */
  onRunCompleted?(fullName: string, run: Record<string, unknown>): void;
}

export function actionsRepos(context: StandInContext, hooks: ActionsHooks): ActionsRepos {
  const repos = new Map<string, Repo>();
  const branchOf = (repo: Repo, branch: string) =>
    repo.branches.get(branch) ?? hooks.branchHead(`${repo.owner}/${repo.name}`, branch) ?? undefined;
  const applyBehaviour = (repo: Repo, body: Record<string, any>) => {
    if ('failNextDispatch' in body) repo.failNextDispatch = body.failNextDispatch;
    if ('legacyDispatch' in body) repo.legacyDispatch = Boolean(body.legacyDispatch);
    if ('rateLimitNext' in body) repo.rateLimitNext = body.rateLimitNext;
    if ('olderServer' in body) repo.olderServer = Boolean(body.olderServer);
    if ('finishRuns' in body) repo.finishRuns = body.finishRuns;
    if ('finishAfterMs' in body) repo.finishAfterMs = body.finishAfterMs;
  };
  const repoOf = (owner: string, name: string): Repo => {
    const key = `${owner}/${name}`.toLowerCase();
    let repo = repos.get(key);
    if (!repo) {
      repo = {
        owner,
        name,
        branches: new Map(),
        statuses: new Map(),
        runs: [],
        dispatches: [],
        history: [],
        commits: new Map(),
      };
      repos.set(key, repo);
    }
    return repo;
  };

  const api = (repo: Repo) => apiUrl(context.origin(), repo);
  const html = htmlUrl;
  const runs = (): RunsAccess => ({ origin: context.origin(), branchOf, onRunCompleted: hooks.onRunCompleted });

  const refJson = (repo: Repo, branch: string, sha: string) => ({
    ref: `refs/heads/${branch}`,
    node_id: `REF_${branch}`,
    url: `${api(repo)}/git/refs/heads/${branch}`,
    object: { type: 'commit', sha, url: `${api(repo)}/git/commits/${sha}` },
  });

  async function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, any>,
    authorized: boolean,
  ): Promise<RouteResult> {
    let m: RegExpMatchArray | null;

    if ((m = path.match(/^\/_control\/repos\/([^/]+)\/([^/]+)\/(.+)$/))) {
      const repo = repoOf(m[1]!, m[2]!);
      const rest = m[3]!;
      if (method === 'GET' && rest === 'dispatches') return { status: 200, json: repo.dispatches };
      if (method === 'POST' && rest === 'behaviour') {
        applyBehaviour(repo, body);
        return { status: 204 };
      }
      const described = rest.match(/^commits\/([0-9a-f]{40})$/);
      if (method === 'POST' && described) {
        repo.commits.set(described[1]!, body);
        return { status: 204 };
      }
      const run = rest.match(/^runs\/(\d+)$/);
      if (method === 'POST' && run) {
        const found = repo.runs.find((r) => r.id === Number(run[1]));
        if (!found) throw new HttpError(404, 'Not Found');
        found.status = String(body.status ?? found.status);
        found.conclusion = body.conclusion === undefined ? found.conclusion : body.conclusion;
        found.updatedAt = new Date().toISOString();
        return { status: 200, json: runJson(context.origin(), repo, found) };
      }
      throw new HttpError(404, 'Not Found');
    }

    if (!authorized) throw new HttpError(401, 'Bad credentials');
    if (!(m = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)$/))) throw new HttpError(404, 'Not Found');
    const repo = repoOf(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
    const rest = m[3]!;

    if (repo.rateLimitNext) {
      // GitHub's two documented shapes: primary (403, remaining 0, reset) and secondary (429/403 with retry-after).
      const kind = repo.rateLimitNext;
      repo.rateLimitNext = undefined;
      throw kind === 'primary'
        ? new HttpError(403, 'API rate limit exceeded for installation.', {
            headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 120) },
          })
        : new HttpError(429, 'You have exceeded a secondary rate limit.', { headers: { 'retry-after': '30' } });
    }

    if (method === 'GET' && (m = rest.match(/^\/branches\/(.+)$/))) {
      const branch = decodeURIComponent(m[1]!);
      const sha = branchOf(repo, branch);
      if (!sha) throw new HttpError(404, 'Branch not found');
      return {
        status: 200,
        json: {
          name: branch,
          commit: {
            sha,
            node_id: `C_${sha}`,
            url: `${api(repo)}/commits/${sha}`,
            html_url: `${html(repo)}/commit/${sha}`,
            commit: { message: 'commit', tree: { sha } },
            parents: [],
          },
          _links: { self: `${api(repo)}/branches/${branch}`, html: `${html(repo)}/tree/${branch}` },
          protected: branch === 'main',
          protection_url: `${api(repo)}/branches/${branch}/protection`,
        },
      };
    }

    if (method === 'GET' && (m = rest.match(/^\/commits\/([^/]+)\/status$/))) {
      const ref = decodeURIComponent(m[1]!);
      const sha = branchOf(repo, ref) ?? ref;
      // The latest status per context counts.
      const latest = new Map<string, CommitStatus>();
      for (const status of repo.statuses.get(sha) ?? []) latest.set(status.context, status);
      const statuses = [...latest.values()];
      const state =
        statuses.length === 0 || statuses.some((s) => s.state === 'pending')
          ? statuses.some((s) => s.state === 'error' || s.state === 'failure')
            ? 'failure'
            : 'pending'
          : statuses.some((s) => s.state === 'error' || s.state === 'failure')
            ? 'failure'
            : 'success';
      return {
        status: 200,
        json: {
          state,
          statuses: statuses.map((s) => ({
            ...s,
            url: `${api(repo)}/statuses/${sha}`,
            avatar_url: null,
            node_id: `S_${s.id}`,
          })),
          sha,
          total_count: statuses.length,
          repository: { id: 1, name: repo.name, full_name: `${repo.owner}/${repo.name}` },
          commit_url: `${api(repo)}/commits/${sha}`,
          url: `${api(repo)}/commits/${sha}/status`,
        },
      };
    }

    if (method === 'POST' && (m = rest.match(/^\/statuses\/([0-9a-f]{40})$/))) {
      if (!['error', 'failure', 'pending', 'success'].includes(body.state))
        throw new HttpError(422, 'Validation Failed');
      const now = new Date().toISOString();
      const status: CommitStatus = {
        id: nextId(),
        state: body.state,
        context: body.context ?? 'default',
        description: body.description ?? null,
        target_url: body.target_url ?? null,
        created_at: now,
        updated_at: now,
      };
      repo.statuses.set(m[1]!, [...(repo.statuses.get(m[1]!) ?? []), status]);
      return { status: 201, json: { ...status, url: `${api(repo)}/statuses/${m[1]}` } };
    }

    if (method === 'POST' && rest === '/git/refs') {
      const ref = String(body.ref ?? '');
      if (!ref.startsWith('refs/heads/') || !/^[0-9a-f]{40}$/.test(String(body.sha)))
        throw new HttpError(422, 'Validation Failed');
      const branch = ref.slice('refs/heads/'.length);
      if (repo.branches.has(branch)) throw new HttpError(422, 'Reference already exists');
      repo.branches.set(branch, body.sha);
      if (!repo.history.includes(body.sha)) repo.history.push(body.sha);
      return { status: 201, json: refJson(repo, branch, body.sha) };
    }

    if (method === 'PATCH' && (m = rest.match(/^\/git\/refs\/heads\/(.+)$/))) {
      const branch = decodeURIComponent(m[1]!);
      if (!repo.branches.has(branch)) throw new HttpError(422, 'Reference does not exist');
      if (!/^[0-9a-f]{40}$/.test(String(body.sha))) throw new HttpError(422, 'Validation Failed');
      repo.branches.set(branch, body.sha);
      if (!repo.history.includes(body.sha)) repo.history.push(body.sha);
      return { status: 200, json: refJson(repo, branch, body.sha) };
    }

    if (method === 'GET' && rest.match(/^\/commits\/[^/]+\/check-runs$/)) {
      return { status: 200, json: { total_count: 0, check_runs: [] } };
    }

    if (method === 'GET' && (m = rest.match(/^\/compare\/([0-9a-f]{7,40})\.\.\.([0-9a-f]{7,40})$/))) {
      const at = (ref: string) => repo.history.findIndex((sha) => sha.startsWith(ref));
      const [base, head] = [at(m[1]!), at(m[2]!)];
      if (base < 0 || head < 0) throw new HttpError(404, 'Not Found');
      const between = head > base ? repo.history.slice(base + 1, head + 1) : [];
      const commitJson = (sha: string) => {
        const about = repo.commits.get(sha) ?? {};
        const author = about.author ?? 'octocat';
        return {
          sha,
          node_id: `C_${sha}`,
          url: `${api(repo)}/commits/${sha}`,
          html_url: `${html(repo)}/commit/${sha}`,
          commit: {
            message: about.message ?? `Change ${sha.slice(0, 7)}`,
            author: { name: author, email: `${author}@example.com`, date: new Date(0).toISOString() },
          },
          author: { login: author },
          parents: [],
        };
      };
      const files = between.flatMap(
        (sha) =>
          repo.commits.get(sha)?.files ?? [{ path: `changes/${sha.slice(0, 7)}.txt`, additions: 1, deletions: 0 }],
      );
      return {
        status: 200,
        json: {
          url: `${api(repo)}/compare/${m[1]}...${m[2]}`,
          html_url: `${html(repo)}/compare/${m[1]}...${m[2]}`,
          status: head === base ? 'identical' : head > base ? 'ahead' : 'behind',
          ahead_by: between.length,
          behind_by: head < base ? base - head : 0,
          total_commits: between.length,
          base_commit: commitJson(repo.history[base]!),
          merge_base_commit: commitJson(repo.history[Math.min(base, head)]!),
          commits: between.map(commitJson),
          files: files.map((file) => ({
            filename: file.path,
            status: 'modified',
            additions: file.additions,
            deletions: file.deletions,
            changes: file.additions + file.deletions,
            sha: null,
          })),
        },
      };
    }

    const workflows = routeRuns(runs(), repo, method, rest, query, body);
    if (workflows) return workflows;
    throw new HttpError(404, 'Not Found');
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', context.origin());
    const auth = req.headers.authorization ?? '';
    const authorized = auth === `token ${context.token}` || auth === `Bearer ${context.token}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-github-request-id': crypto.randomUUID(),
    };
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : {};
      const result = await route(req.method ?? 'GET', url.pathname, url.searchParams, body, authorized);
      context.log?.(`github stand-in (actions): ${req.method} ${url.pathname} -> ${result.status}`);
      if (result.json === undefined) {
        res.writeHead(result.status, headers).end();
      } else {
        res.writeHead(result.status, headers).end(JSON.stringify(result.json));
      }
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : 'Server Error';
      const extraHeaders =
        error instanceof HttpError ? ((error.extra.headers as Record<string, string> | undefined) ?? {}) : {};
      res
        .writeHead(status, { ...headers, ...extraHeaders })
        .end(JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest', status: String(status) }));
    }
  };

  return {
    handle,
    has: (fullName) => repos.has(fullName.toLowerCase()),
    behave: (fullName, behaviour) => {
      const [owner, name] = fullName.split('/');
      applyBehaviour(repoOf(owner!, name!), behaviour);
    },
  };
}
