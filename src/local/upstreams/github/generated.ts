import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOCS, JOB_LOG, fill, type FullScenario } from './generated-data';
import { routeGenerated } from './generated-routes';
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

interface RepoState {
  scenario: FullScenario;
  stats: { requests: number; notModified: number; paths: Record<string, number> };
}

const LIMIT = 5000;

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
    const answer = routeGenerated(req, url, owner, name, state?.scenario ?? null);
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
