import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { GitHubRoutes, StandInContext } from './routes';

/**
 * The GitHub stand-in's generated repositories: the visibility routes (repository,
 * languages, branches, releases, commits, statuses, check runs, Actions runs/jobs/logs,
 * pull requests, reviews, code search, compare) in GitHub's documented shapes (templates in
 * fixtures/github/). It behaves like GitHub where the client relies on it:
 *  - token auth (`Authorization: token|Bearer`), 401 "Bad credentials" otherwise;
 *  - x-ratelimit-* headers on every answer; weak ETags and 304 on If-None-Match
 *    (a 304 does not count against the limit);
 *  - page/per_page pagination with a Link header (first/prev/next/last);
 *  - job logs answered with a 302 to a blob URL that serves text/plain.
 * Every repository `owner/name` exists with generated data, except owner `missing`
 * (404). Tests shape one repository through the control API:
 *  - POST /_control/repos/{owner}/{repo}  { commits, runs, pulls, hugeMessages, noRelease, logFillerLines, failures: [...] }
 *      failures: { path: regex, kind: 'primary'|'secondary'|'secondary-no-retry'|'status', status?, times? }
 *  - GET  /_control/repos/{owner}/{repo}/stats -> { requests, notModified, paths }
 */
export interface GeneratedRepos extends GitHubRoutes {
  /** Requests received, all repositories together (for benchmarks). */
  requests(): { total: number; notModified: number };
}

export interface ScriptedFailure {
  /** A regular expression tested against the request path (without the query). */
  path: string;
  kind: 'primary' | 'secondary' | 'secondary-no-retry' | 'status';
  status?: number;
  /** How many matching requests fail; unlimited when omitted. */
  times?: number;
}

export interface RepoScenario {
  commits?: number;
  runs?: number;
  pulls?: number;
  /** Give every commit a 5,000-character message (size-bound tests). */
  hugeMessages?: boolean;
  noRelease?: boolean;
  /** Extra lines in the middle of each failing job log. */
  logFillerLines?: number;
  failures?: ScriptedFailure[];
}

interface RepoState {
  scenario: Required<Omit<RepoScenario, 'failures'>> & { failures: ScriptedFailure[] };
  stats: { requests: number; notModified: number; paths: Record<string, number> };
}

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const template = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8'));
const TEMPLATES = {
  user: template('simple-user'),
  repository: template('full-repository'),
  commit: template('commit'),
  combinedStatus: template('combined-commit-status'),
  status: template('simple-commit-status'),
  checkRun: template('check-run'),
  run: template('workflow-run'),
  job: template('job'),
  pull: template('pull-request'),
  review: template('pull-request-review'),
  searchItem: template('code-search-result-item'),
  release: template('release'),
  branch: template('short-branch'),
};
const JOB_LOG = readFileSync(`${FIXTURES}job-log.txt`, 'utf8');

const DOCS = 'https://docs.github.com/rest';
const LIMIT = 5000;
const BASE_TIME = Date.parse('2026-11-20T18:00:00Z');
const AUTHORS = ['octocat', 'hubot', 'monalisa'];

type Vars = Record<string, unknown>;

/** Fill a template: "{{x}}" alone keeps x's type, "{{user:x}}" becomes a user object, else interpolate. */
function fill(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{([a-zA-Z]+)\}\}$/.exec(value);
    if (whole) return vars[whole[1]!];
    const user = /^\{\{user:([a-zA-Z]+)\}\}$/.exec(value);
    if (user) return fill(TEMPLATES.user, { ...vars, login: vars[user[1]!] });
    return value.replace(/\{\{([a-zA-Z]+)\}\}/g, (_, key: string) => String(vars[key] ?? ''));
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

function sha(...parts: unknown[]): string {
  return createHash('sha1').update(parts.join(':')).digest('hex');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function generatedRepos(context: StandInContext): GeneratedRepos {
  const { token } = context;
  const repos = new Map<string, RepoState>();
  const totals = { total: 0, notModified: 0 };
  let remaining = LIMIT;

  const stateOf = (full: string): RepoState => {
    const key = full.toLowerCase();
    let state = repos.get(key);
    if (!state) {
      state = {
        scenario: {
          commits: 12,
          runs: 12,
          pulls: 3,
          hugeMessages: false,
          noRelease: false,
          logFillerLines: 0,
          failures: [],
        },
        stats: { requests: 0, notModified: 0, paths: {} },
      };
      repos.set(key, state);
    }
    return state;
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  function rateHeaders(resource = 'core'): Record<string, string> {
    return {
      'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-used': String(LIMIT - remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': resource,
      'x-github-api-version-selected': '2022-11-28',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', context.origin());
    const path = url.pathname;

    // ---- control API (tests only) ----
    const control = /^\/_control\/repos\/([^/]+)\/([^/]+)(\/stats)?$/.exec(path);
    if (control) {
      const state = stateOf(`${control[1]}/${control[2]}`);
      if (control[3]) return send(res, 200, state.stats);
      const body = await readJson(req);
      Object.assign(state.scenario, body);
      state.stats = { requests: 0, notModified: 0, paths: {} };
      return send(res, 200, state.scenario);
    }
    // ---- the log blob store GitHub redirects to (no GitHub auth, like a signed URL) ----
    const blob = /^\/_blobs\/job-logs\/([^/]+)\/([^/]+)\/(\d+)$/.exec(path);
    if (blob) {
      const state = stateOf(`${blob[1]}/${blob[2]}`);
      if (req.headers.authorization)
        return send(res, 400, { message: 'blob storage must not receive the GitHub token' });
      const filler = Array.from(
        { length: state.scenario.logFillerLines },
        (_, i) => `2026-11-20T18:31:50.0000000Z   ✓ test ${i + 1} passed`,
      ).join('\n');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(String(fill(JOB_LOG, { owner: blob[1], repo: blob[2], filler })));
      return;
    }

    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
    }

    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    const searchRepo = path === '/search/code' ? /repo:([^\s/]+)\/(\S+)/.exec(url.searchParams.get('q') ?? '') : null;
    const owner = repoMatch?.[1] ?? searchRepo?.[1];
    const name = repoMatch?.[2] ?? searchRepo?.[2];
    const state = owner && name ? stateOf(`${owner}/${name}`) : null;
    totals.total++;
    if (state) {
      state.stats.requests++;
      const routeKey =
        path
          .replace(/\/repos\/[^/]+\/[^/]+/, '')
          .replace(/[0-9a-f]{40}/g, '{sha}')
          .replace(/\/\d+/g, '/{n}') || '/';
      state.stats.paths[routeKey] = (state.stats.paths[routeKey] ?? 0) + 1;
    }

    // ---- scripted failures ----
    for (const failure of state?.scenario.failures ?? []) {
      if (failure.times === 0 || !new RegExp(failure.path).test(path)) continue;
      if (failure.times !== undefined) failure.times--;
      const reset = Math.floor(Date.now() / 1000) + 120;
      if (failure.kind === 'primary') {
        return send(
          res,
          failure.status ?? 403,
          {
            message:
              'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
          },
          {
            ...rateHeaders(),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': String(LIMIT),
            'x-ratelimit-reset': String(reset),
          },
        );
      }
      if (failure.kind === 'secondary' || failure.kind === 'secondary-no-retry') {
        return send(
          res,
          failure.status ?? 403,
          {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          },
          {
            ...rateHeaders(),
            ...(failure.kind === 'secondary' ? { 'retry-after': '30' } : {}),
          },
        );
      }
      const status = failure.status ?? 500;
      if (status >= 500) {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end('<html><body>Unicorn!</body></html>');
        return;
      }
      return send(
        res,
        status,
        { message: status === 404 ? 'Not Found' : 'Scripted failure', documentation_url: DOCS },
        rateHeaders(),
      );
    }

    if (owner?.toLowerCase() === 'missing')
      return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' }, rateHeaders());

    const posted = req.method === 'POST' ? await readJson(req) : {};
    if (req.method === 'POST' && typeof posted.ref !== 'string') {
      return send(
        res,
        422,
        { message: 'Invalid request.\n\n"ref" wasn\'t supplied.', documentation_url: DOCS, status: '422' },
        rateHeaders(),
      );
    }
    const answer = route(req, url, owner, name, state);
    if (answer.status === 302) {
      res.writeHead(302, { location: answer.location!, ...rateHeaders() });
      res.end();
      return;
    }
    const text = JSON.stringify(answer.body);
    if (answer.status !== 200) {
      remaining--;
      return send(res, answer.status, answer.body, rateHeaders());
    }
    const etag = `W/"${createHash('sha1').update(text).digest('hex')}"`;
    const headers: Record<string, string> = {
      ...rateHeaders(answer.resource),
      etag,
      'cache-control': 'private, max-age=60, s-maxage=60',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
    };
    if (answer.link) headers.link = answer.link;
    if (req.headers['if-none-match'] === etag) {
      totals.notModified++;
      if (state) state.stats.notModified++;
      res.writeHead(304, headers);
      res.end();
      return;
    }
    remaining--;
    headers['x-ratelimit-remaining'] = String(Math.max(0, remaining));
    headers['x-ratelimit-used'] = String(LIMIT - remaining);
    send(res, 200, answer.body, headers);
  }

  interface Answer {
    status: number;
    body?: unknown;
    link?: string;
    location?: string;
    resource?: string;
  }

  function notFound(): Answer {
    return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
  }

  /** A list answer with GitHub's page/per_page semantics and Link header. */
  function paged<T>(url: URL, all: T[], wrap?: (items: T[]) => unknown): Answer {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const items = all.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const at = (p: number) => {
      const u = new URL(url.pathname + url.search, context.origin());
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return u.toString();
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`<${at(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${at(1)}>; rel="first"`);
    return { status: 200, body: wrap ? wrap(items) : items, ...(rels.length ? { link: rels.join(', ') } : {}) };
  }

  function route(
    req: IncomingMessage,
    url: URL,
    owner: string | undefined,
    name: string | undefined,
    state: RepoState | null,
  ): Answer {
    if (req.method !== 'GET' && !(req.method === 'POST' && /\/dispatches$/.test(url.pathname))) return notFound();
    const path = url.pathname;
    if (path === '/search/code') return searchCode(url, owner, name);
    if (!owner || !name || !state) return notFound();
    const rest = path.slice(`/repos/${owner}/${name}`.length) || '/';
    const v = { api: context.origin(), owner, repo: name };
    const data = generate(owner, name, state);

    if (rest === '/') return { status: 200, body: fill(TEMPLATES.repository, v) };
    if (rest === '/languages')
      return { status: 200, body: { TypeScript: 81920, JavaScript: 12288, Shell: 4096, Dockerfile: 1024 } };
    if (rest === '/releases/latest')
      return state.scenario.noRelease ? notFound() : { status: 200, body: fill(TEMPLATES.release, v) };
    if (rest === '/branches') {
      const branches = [
        { name: 'main', protected: true },
        { name: 'release', protected: true },
        { name: 'develop', protected: false },
      ].filter((b) => url.searchParams.get('protected') !== 'true' || b.protected);
      return paged(
        url,
        branches.map((b) => fill(TEMPLATES.branch, { ...v, ...b, sha: data.commits[0]!.sha })),
      );
    }
    const branch = /^\/branches\/([^/]+)$/.exec(rest);
    if (branch) {
      if (!['main', 'release', 'develop'].includes(branch[1]!))
        return { status: 404, body: { message: 'Branch not found', documentation_url: DOCS, status: '404' } };
      // GET one branch answers with the full commit object (tree included), unlike the list's short form.
      return {
        status: 200,
        body: {
          ...(fill(TEMPLATES.branch, {
            ...v,
            name: branch[1],
            protected: branch[1] !== 'develop',
            sha: data.commits[0]!.sha,
          }) as object),
          commit: data.commits[0]!.json,
          protection: { enabled: branch[1] !== 'develop' },
        },
      };
    }
    if (rest === '/commits') {
      const ref = url.searchParams.get('sha');
      if (ref && !['main', 'release', 'develop'].includes(ref) && !data.commits.some((c) => c.sha.startsWith(ref))) {
        return {
          status: 404,
          body: { message: `No commit found for SHA: ${ref}`, documentation_url: DOCS, status: '404' },
        };
      }
      let list = data.commits;
      const author = url.searchParams.get('author');
      const since = url.searchParams.get('since');
      const until = url.searchParams.get('until');
      const filePath = url.searchParams.get('path');
      if (author) list = list.filter((c) => c.author === author || `${c.author}@example.com` === author);
      if (since) list = list.filter((c) => Date.parse(c.date) >= Date.parse(since));
      if (until) list = list.filter((c) => Date.parse(c.date) <= Date.parse(until));
      if (filePath)
        list = list.filter((c) =>
          c.files.some((f) => f === filePath || f.startsWith(`${filePath.replace(/\/$/, '')}/`)),
        );
      return paged(
        url,
        list.map((c) => c.json),
      );
    }
    const compare = /^\/compare\/([^.]+)\.\.\.([^.]+)$/.exec(rest);
    if (compare) {
      // The generated history is linear, newest first: head is ahead of base when it sits before it.
      const at = (ref: string) =>
        ['main', 'release', 'develop'].includes(ref) ? 0 : data.commits.findIndex((c) => c.sha.startsWith(ref));
      const [baseAt, headAt] = [at(compare[1]!), at(compare[2]!)];
      if (baseAt < 0 || headAt < 0) return notFound();
      const between = headAt < baseAt ? data.commits.slice(headAt, baseAt).reverse() : [];
      const files = new Map<string, { additions: number; deletions: number }>();
      for (const c of between) {
        for (const file of c.files) {
          const seen = files.get(file) ?? { additions: 0, deletions: 0 };
          files.set(file, { additions: seen.additions + 3 + (c.index % 5), deletions: seen.deletions + (c.index % 3) });
        }
      }
      return {
        status: 200,
        body: {
          url: `${context.origin()}/repos/${owner}/${name}/compare/${compare[1]}...${compare[2]}`,
          html_url: `https://github.com/${owner}/${name}/compare/${compare[1]}...${compare[2]}`,
          status: headAt === baseAt ? 'identical' : headAt < baseAt ? 'ahead' : 'behind',
          ahead_by: between.length,
          behind_by: headAt > baseAt ? headAt - baseAt : 0,
          total_commits: between.length,
          base_commit: data.commits[baseAt]!.json,
          merge_base_commit: data.commits[Math.max(baseAt, headAt)]!.json,
          commits: between.map((c) => c.json),
          files: [...files].map(([filename, counts]) => ({
            sha: sha(filename),
            filename,
            status: 'modified',
            ...counts,
            changes: counts.additions + counts.deletions,
          })),
        },
      };
    }
    const status = /^\/commits\/([^/]+)\/status$/.exec(rest);
    if (status) {
      const commit = data.commits.find((c) => c.sha === status[1]) ?? data.pullHeads.get(status[1]!);
      if (!commit)
        return {
          status: 404,
          body: { message: `No commit found for SHA: ${status[1]}`, documentation_url: DOCS, status: '404' },
        };
      const statuses =
        commit.index === 1
          ? [
              fill(TEMPLATES.status, {
                ...v,
                sha: commit.sha,
                state: 'pending',
                context: 'deploy/preview',
                date: commit.date,
              }),
            ]
          : [];
      return {
        status: 200,
        body: {
          ...(fill(TEMPLATES.combinedStatus, { ...v, sha: commit.sha, state: 'pending' }) as object),
          statuses,
          total_count: statuses.length,
        },
      };
    }
    const checks = /^\/commits\/([^/]+)\/check-runs$/.exec(rest);
    if (checks) {
      const commit = data.commits.find((c) => c.sha === checks[1]) ?? data.pullHeads.get(checks[1]!);
      if (!commit)
        return {
          status: 404,
          body: { message: `No commit found for SHA: ${checks[1]}`, documentation_url: DOCS, status: '404' },
        };
      const runs = commit.checks.map((c) =>
        fill(TEMPLATES.checkRun, { ...v, sha: checks[1], date: commit.date, ...c }),
      );
      return paged(url, runs, (items) => ({ total_count: runs.length, check_runs: items }));
    }
    if (rest === '/actions/runs' || /^\/actions\/workflows\/[^/]+\/runs$/.test(rest)) {
      let runs = data.runs;
      const workflow = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest)?.[1];
      if (workflow) {
        const known = { 'ci.yml': 'CI', '161335': 'CI', 'deploy.yml': 'Deploy', '161336': 'Deploy' } as Record<
          string,
          string
        >;
        if (!known[workflow]) return notFound();
        runs = runs.filter((r) => r.workflowName === known[workflow]);
      }
      const branchFilter = url.searchParams.get('branch');
      const statusFilter = url.searchParams.get('status');
      if (branchFilter) runs = runs.filter((r) => r.branch === branchFilter);
      if (statusFilter) runs = runs.filter((r) => r.status === statusFilter || r.conclusion === statusFilter);
      return paged(
        url,
        runs.map((r) => r.json),
        (items) => ({ total_count: runs.length, workflow_runs: items }),
      );
    }
    const run = /^\/actions\/runs\/(\d+)$/.exec(rest);
    if (run) {
      const found = data.runs.find((r) => r.id === Number(run[1]));
      return found ? { status: 200, body: found.json } : notFound();
    }
    const jobs = /^\/actions\/runs\/(\d+)\/jobs$/.exec(rest);
    if (jobs) {
      const found = data.runs.find((r) => r.id === Number(jobs[1]));
      if (!found) return notFound();
      return paged(url, found.jobs, (items) => ({ total_count: found.jobs.length, jobs: items }));
    }
    const logs = /^\/actions\/jobs\/(\d+)\/logs$/.exec(rest);
    if (logs) {
      const exists = data.runs.some((r) => r.jobs.some((j) => (j as { id: number }).id === Number(logs[1])));
      return exists
        ? { status: 302, location: `${context.origin()}/_blobs/job-logs/${owner}/${name}/${logs[1]}` }
        : notFound();
    }
    if (/^\/actions\/workflows\/[^/]+\/dispatches$/.test(rest)) return { status: 204 };
    if (rest === '/pulls') {
      const wanted = url.searchParams.get('state') ?? 'open';
      const pulls = data.pulls.filter((p) => wanted === 'all' || p.state === wanted);
      return paged(
        url,
        pulls.map((p) => p.json),
      );
    }
    const pull = /^\/pulls\/(\d+)$/.exec(rest);
    if (pull) {
      const found = data.pulls.find((p) => p.number === Number(pull[1]));
      if (!found) return notFound();
      return {
        status: 200,
        body: {
          ...found.json,
          merged: false,
          mergeable: found.number % 2 === 1 ? true : false,
          rebaseable: true,
          mergeable_state: found.number % 2 === 1 ? 'clean' : 'dirty',
          merged_by: null,
          comments: 2,
          review_comments: 1,
          maintainer_can_modify: true,
          commits: 3,
          additions: 100,
          deletions: 3,
          changed_files: 5,
        },
      };
    }
    const reviews = /^\/pulls\/(\d+)\/reviews$/.exec(rest);
    if (reviews) {
      const found = data.pulls.find((p) => p.number === Number(reviews[1]));
      if (!found) return notFound();
      return paged(url, found.reviews);
    }
    return notFound();
  }

  function searchCode(url: URL, owner: string | undefined, name: string | undefined): Answer {
    const q = url.searchParams.get('q') ?? '';
    const terms = q.replace(/\b(repo|path|language|in):\S+/g, '').trim();
    if (!terms)
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Search', field: 'q', code: 'missing' }],
          documentation_url: DOCS,
          status: '422',
        },
      };
    if (!owner || !name)
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              message: 'Must include at least one user, organization, or repository',
              resource: 'Search',
              field: 'q',
              code: 'invalid',
            },
          ],
          documentation_url: DOCS,
          status: '422',
        },
      };
    const files = terms.includes('nothingmatches')
      ? []
      : ['src/auth/session.ts', 'src/routes/login.ts', 'test/routes/login.test.ts', 'src/lib/clock.ts', 'README.md'];
    const items = files
      .map((path, i) => {
        return fill(TEMPLATES.searchItem, {
          api: context.origin(),
          owner,
          repo: name,
          path,
          name: path.split('/').pop(),
          sha: sha(path),
          id: i,
        }) as Record<string, unknown>;
      })
      .map((item, i) => {
        const fragment = `export function ${terms}(session: Session) {\n  return session.expiresAt > clock.now();\n}`;
        return {
          ...item,
          score: 1 - i / 10,
          text_matches: [
            {
              object_url: item.url,
              object_type: 'FileContent',
              property: 'content',
              fragment,
              matches: [{ text: terms, indices: [16, 16 + terms.length] }],
            },
          ],
        };
      });
    return {
      ...paged(url, items, (page) => ({ total_count: items.length, incomplete_results: false, items: page })),
      resource: 'code_search',
    };
  }

  interface CommitData {
    sha: string;
    index: number;
    date: string;
    author: string;
    files: string[];
    checks: Vars[];
    json: unknown;
  }
  interface RunData {
    id: number;
    branch: string;
    status: string;
    conclusion: string | null;
    workflowName: string;
    jobs: unknown[];
    json: unknown;
  }
  interface PullData {
    number: number;
    state: string;
    json: Record<string, unknown>;
    reviews: unknown[];
  }

  /** Deterministic data per repository: commit 0 fails CI, run 0 failed in its test step. */
  function generate(owner: string, name: string, state: RepoState) {
    const v = { api: context.origin(), owner, repo: name };
    const s = state.scenario;
    const commits: CommitData[] = Array.from({ length: s.commits }, (_, i) => {
      const commitSha = sha(owner, name, 'commit', i);
      const author = AUTHORS[i % AUTHORS.length]!;
      const date = iso(BASE_TIME - i * 3_600_000);
      const title = i === 0 ? 'Fix session expiry check in login' : `Change number ${s.commits - i}`;
      const message = s.hugeMessages
        ? `${title} ${'x'.repeat(5000)}\n\n${'body '.repeat(1000)}`
        : `${title}\n\nLonger explanation of change ${i}.`;
      const checks: Vars[] =
        i === 0
          ? [
              { name: 'build', status: 'completed', conclusion: 'success' },
              { name: 'test', status: 'completed', conclusion: 'failure' },
            ]
          : i === 1
            ? [{ name: 'build', status: 'completed', conclusion: 'success' }]
            : i === 2
              ? []
              : [
                  { name: 'build', status: 'completed', conclusion: 'success' },
                  { name: 'test', status: 'completed', conclusion: 'success' },
                ];
      return {
        sha: commitSha,
        index: i,
        date,
        author,
        files: i % 2 === 0 ? ['src/auth/session.ts'] : ['README.md'],
        checks,
        json: fill(TEMPLATES.commit, {
          ...v,
          sha: commitSha,
          parent: sha(owner, name, 'commit', i + 1),
          date,
          login: author,
          authorName: author,
          message,
        }),
      };
    });
    const runs: RunData[] = Array.from({ length: s.runs }, (_, i) => {
      const id = 30_433_000 + i;
      const failed = i === 0;
      const inProgress = i === 1;
      const workflowName = i % 3 === 2 ? 'Deploy' : 'CI';
      const createdAt = iso(BASE_TIME - i * 3_600_000 + 60_000);
      const updatedAt = iso(BASE_TIME - i * 3_600_000 + 60_000 + (200 + i) * 1000);
      const branch = i % 4 === 3 ? 'develop' : 'main';
      const status = inProgress ? 'in_progress' : 'completed';
      const conclusion = inProgress ? null : failed ? 'failure' : 'success';
      const commit = commits[i % Math.max(1, commits.length)];
      const headSha = commit?.sha ?? sha('run', i);
      const jobVars = {
        ...v,
        runId: id,
        sha: headSha,
        workflowName,
        branch,
        startedAt: createdAt,
        completedAt: updatedAt,
      };
      const step = (number: number, stepName: string, conclusion: string) => ({
        name: stepName,
        status: 'completed',
        conclusion,
        number,
        started_at: createdAt,
        completed_at: updatedAt,
      });
      const jobs = [
        {
          ...(fill(TEMPLATES.job, { ...jobVars, id: id * 10 + 1, name: 'build', conclusion: 'success' }) as object),
          steps: [
            step(1, 'Set up job', 'success'),
            step(2, 'Run actions/checkout@v4', 'success'),
            step(3, 'Run npm ci', 'success'),
            step(4, 'Complete job', 'success'),
          ],
        },
        {
          ...(fill(TEMPLATES.job, {
            ...jobVars,
            id: id * 10 + 2,
            name: 'test',
            conclusion: failed ? 'failure' : 'success',
          }) as object),
          steps: [
            step(1, 'Set up job', 'success'),
            step(2, 'Run npm ci', 'success'),
            step(3, 'Run npm test', failed ? 'failure' : 'success'),
            step(4, 'Post Run actions/checkout@v4', 'success'),
            step(5, 'Complete job', 'success'),
          ],
        },
      ];
      const json = fill(TEMPLATES.run, {
        ...v,
        id,
        workflowName,
        workflowFile: workflowName === 'CI' ? 'ci.yml' : 'deploy.yml',
        workflowId: workflowName === 'CI' ? 161335 : 161336,
        branch,
        sha: headSha,
        runNumber: 500 - i,
        event: i % 5 === 4 ? 'pull_request' : 'push',
        title: commit ? String((commit.json as { commit: { message: string } }).commit.message).split('\n')[0] : 'run',
        status,
        conclusion,
        createdAt,
        updatedAt,
        login: AUTHORS[i % 3],
      });
      return { id, branch, status, conclusion, workflowName, jobs, json };
    });
    const pullHeads = new Map<string, CommitData>();
    const pulls: PullData[] = Array.from({ length: s.pulls }, (_, i) => {
      const number = 40 + i;
      const headSha = sha(owner, name, 'pull', number);
      const checks: Vars[] =
        i === 0
          ? [{ name: 'test', status: 'completed', conclusion: 'success' }]
          : i === 1
            ? [{ name: 'test', status: 'in_progress', conclusion: null }]
            : [{ name: 'test', status: 'completed', conclusion: 'failure' }];
      pullHeads.set(headSha, {
        sha: headSha,
        index: -1,
        date: iso(BASE_TIME),
        author: 'hubot',
        files: [],
        checks,
        json: null,
      });
      const reviewStates =
        i === 0
          ? [
              ['hubot', 'CHANGES_REQUESTED'],
              ['hubot', 'APPROVED'],
              ['monalisa', 'APPROVED'],
            ]
          : i === 1
            ? [
                ['octocat', 'CHANGES_REQUESTED'],
                ['monalisa', 'APPROVED'],
              ]
            : [['octocat', 'COMMENTED']];
      const reviews = reviewStates.map(([login, reviewState], r) =>
        fill(TEMPLATES.review, {
          ...v,
          id: number * 100 + r,
          login,
          state: reviewState,
          number,
          sha: headSha,
          date: iso(BASE_TIME - (10 - r) * 60_000),
        }),
      );
      const json = fill(TEMPLATES.pull, {
        ...v,
        id: 1_000 + number,
        number,
        state: i === s.pulls - 1 && s.pulls > 2 ? 'closed' : 'open',
        title: `Feature ${number}`,
        login: AUTHORS[i % 3],
        branch: `feature/${number}`,
        headSha,
        baseSha: commits[0]?.sha ?? '',
        createdAt: iso(BASE_TIME - i * 86_400_000),
        updatedAt: iso(BASE_TIME - i * 3_600_000),
        draft: i === 1,
      }) as Record<string, unknown>;
      return { number, state: String(json.state), json, reviews };
    });
    return { commits, pullHeads, runs, pulls };
  }

  return {
    handle: (req, res) =>
      handle(req, res).catch((error: unknown) => {
        context.log?.(`github stand-in (generated): ${req.method} ${req.url}: ${String(error)}`);
        if (!res.headersSent) send(res, 500, { message: 'Server Error' });
      }),
    requests: () => ({ ...totals }),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
