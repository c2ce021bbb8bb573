import type { IncomingMessage, ServerResponse } from 'node:http';
import { rmSync } from 'node:fs';
import type { GitHubRoutes, StandInContext } from './routes';
import { git, gitBytes, headBranch, headBranchSync, resolveRef, resolveRefSync } from './git-cli';
import { GitShapes } from './git-shapes';
import { fixtureControl, type GitState } from './git-fixtures';
import { cutTree, GITHUB_TREE_LIMITS } from './git-tree';
import { branchSha, DETACHED, readRef } from './refs';

/**
 * The GitHub stand-in's git-backed repositories: GitHub's REST shapes (repo, branches, commits and
 * their list, compare, recursive git trees, base64 blobs, tarball) served from REAL git repositories
 * on disk through the git CLI, so the indexing pipeline runs end to end on any local repository
 * (`npm run dev` serves this checkout's own history this way). Git runs asynchronously, so an index
 * run and the dashboard's reads are served side by side; what an object id names is computed once.
 *
 * Tests running inside workerd cannot run git, so a small control API under `/_fixtures`
 * (git-fixtures.ts) creates fixture repositories, commits to them and injects faults.
 */
export interface GitRepos extends GitHubRoutes {
  /** Serve an existing repository at `owner/name`. */
  addRepo(fullName: string, dir: string): void;
  has(fullName: string): boolean;
  /** The commit a branch points at, or null (synchronous: the Actions stand-in's hook). */
  branchHead(fullName: string, branch: string): string | null;
  blobReads(fullName: string): Map<string, number>;
  /** Remove the fixture repositories this stand-in created. */
  dispose(): void;
}

export { DETACHED };

const OBJECT_ID = /^[0-9a-f]{40}$/;

export function gitRepos(context: StandInContext, initial: Record<string, string> = {}): GitRepos {
  const state: GitState = {
    repos: new Map(Object.entries(initial)),
    faults: [],
    reads: new Map(),
    requests: new Map(),
    owned: [],
    treeLimits: new Map(),
  };
  const shapes = new Map<string, GitShapes>();
  const shapesOf = (fullName: string, dir: string) => {
    let found = shapes.get(fullName);
    if (!found || found.dir !== dir) {
      found?.objects.close();
      shapes.set(fullName, (found = new GitShapes(dir, fullName)));
    }
    return found;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-remaining': '4999',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) =>
    send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  const control = fixtureControl(state, send);
  /** Requests by kind and repository, for tests that show what a run asked for (`GET /_fixtures/repos/:o/:n/requests`). */
  const counted = (fullName: string, kind: string) => {
    const counts = state.requests.get(fullName) ?? {};
    counts[kind] = (counts[kind] ?? 0) + 1;
    state.requests.set(fullName, counts);
  };

  async function github(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const api = context.origin();
    // Fixture repositories are public: no token is fine, a wrong one is refused as GitHub does.
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `token ${context.token}` && auth !== `Bearer ${context.token}`)
      return send(res, 401, { message: 'Bad credentials' });
    const m = /^\/repos\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return notFound(res);
    const fullName = `${m[1]}/${m[2]}`;
    const dir = state.repos.get(fullName);
    if (!dir) return notFound(res);
    const repo = shapesOf(fullName, dir);
    const rest = m[3] ? decodeURIComponent(m[3]) : '';
    if (rest === '') {
      const branch = await headBranch(dir, DETACHED);
      const head = (await resolveRef(dir, branch === DETACHED ? 'HEAD' : branch))!;
      const [pushedAt, size] = await Promise.all([git(dir, ['log', '-1', '--format=%cI', head]), repo.size(head)]);
      return send(res, 200, {
        id: 1,
        name: m[2],
        full_name: fullName,
        private: true,
        visibility: 'private',
        default_branch: branch,
        owner: { login: m[1] },
        html_url: `${api}/${fullName}`,
        size: Math.round(size / 1024),
        open_issues_count: 0,
        topics: [],
        pushed_at: pushedAt.trim(),
      });
    }
    if (rest === 'languages') {
      const head = await resolveRef(dir, 'HEAD');
      return send(res, 200, head ? await repo.languages(head) : {});
    }
    if (rest === 'releases/latest') return send(res, 404, { message: 'Not Found' });
    if (rest === 'pulls') return send(res, 200, []);
    if (rest === 'branches') {
      const heads = (await git(dir, ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads']))
        .split('\n')
        .filter(Boolean);
      const listed = heads.map((line) => {
        const [name, sha] = line.split(' ');
        return { name, commit: { sha, url: `${api}/repos/${fullName}/commits/${sha}` }, protected: name === 'main' };
      });
      return send(res, 200, url.searchParams.get('protected') === 'true' ? listed.filter((b) => b.protected) : listed);
    }
    if (rest === 'commits') {
      counted(fullName, 'commits');
      return listCommits(res, url, api, repo);
    }
    let r: RegExpExecArray | null;
    if ((r = /^commits\/([^/]+)\/check-runs$/.exec(rest))) {
      // Every commit of a served repository passed its one check: what `npm test` says of a pushed commit.
      const sha = await repo.commitId(r[1]!);
      if (!sha) return send(res, 422, { message: `No commit found for SHA: ${r[1]}` });
      const at = (await repo.commit(api, sha)).commit.committer.date;
      const check = {
        id: parseInt(sha.slice(0, 8), 16),
        head_sha: sha,
        name: 'test',
        status: 'completed',
        conclusion: 'success',
        started_at: at,
        completed_at: at,
        html_url: `${api}/${fullName}/runs/${sha.slice(0, 8)}`,
        app: { slug: 'github-actions' },
      };
      return send(res, 200, { total_count: 1, check_runs: [check] });
    }
    if ((r = /^branches\/(.+)$/.exec(rest))) {
      // A detached checkout (a tag or commit) is served as the branch `detached`; read from the ref files when possible.
      const sha = branchSha(dir, r[1]!, { resolve: resolveRefSync, headBranch: headBranchSync });
      if (!sha) return send(res, 404, { message: 'Branch not found' });
      return send(res, 200, { name: r[1], commit: await repo.commit(api, sha), protected: false });
    }
    if ((r = /^commits\/(.+)$/.exec(rest))) {
      counted(fullName, 'commit');
      const sha = await repo.commitId(r[1]!);
      if (!sha) return send(res, 422, { message: `No commit found for SHA: ${r[1]}` });
      return send(res, 200, await repo.commitWithFiles(api, sha));
    }
    if ((r = /^compare\/(.+?)\.\.\.(.+)$/.exec(rest))) {
      const [base, head] = await Promise.all([resolveRef(dir, r[1]!), resolveRef(dir, r[2]!)]);
      if (!base || !head) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, await repo.compare(api, base, head));
    }
    if ((r = /^git\/trees\/(.+)$/.exec(rest))) {
      // A tree or commit id names one tree forever; a branch name is resolved first.
      const id = OBJECT_ID.test(r[1]!) ? r[1]! : await resolveRef(dir, r[1]!);
      try {
        if (!id) throw new Error('unknown ref');
        const recursive = url.searchParams.has('recursive');
        const tree = await repo.tree(api, id, recursive);
        // Only a recursive listing is cut, as GitHub cuts it; a single level always fits.
        const listed = recursive ? cutTree(tree.tree, state.treeLimits.get(fullName) ?? GITHUB_TREE_LIMITS) : tree;
        return send(res, 200, { ...tree, ...listed, sha: r[1], url: `${api}/repos/${fullName}/git/trees/${r[1]}` });
      } catch {
        return send(res, 404, { message: 'Not Found' });
      }
    }
    if ((r = /^git\/blobs\/([0-9a-f]{40})$/.exec(rest))) return blob(res, api, fullName, dir, r[1]!);
    if ((r = /^tarball(?:\/(.+))?$/.exec(rest))) {
      const sha = await resolveRef(dir, r[1] ?? 'HEAD');
      if (!sha) return notFound(res);
      const prefix = `--prefix=${m[1]}-${m[2]}-${sha.slice(0, 7)}/`;
      const archive = await gitBytes(dir, ['archive', '--format=tar.gz', prefix, sha]);
      res.writeHead(200, { 'content-type': 'application/x-gzip', 'content-length': String(archive.length) });
      res.end(archive);
      return;
    }
    return notFound(res);
  }

  async function blob(res: ServerResponse, api: string, fullName: string, dir: string, sha: string): Promise<void> {
    const counts = state.reads.get(fullName) ?? new Map<string, number>();
    state.reads.set(fullName, counts);
    counts.set(sha, (counts.get(sha) ?? 0) + 1);
    const fault = state.faults.find((f) => f.fullName === fullName && f.sha === sha && f.remaining !== 0);
    if (fault) {
      if (fault.remaining > 0) fault.remaining--;
      return send(res, fault.status, { message: 'Injected fault' });
    }
    const object = await shapesOf(fullName, dir).objects.read(sha);
    if (object?.type !== 'blob') return send(res, 404, { message: 'Not Found' });
    const content = object.content;
    send(res, 200, {
      sha,
      node_id: `B_${sha.slice(0, 12)}`,
      size: content.length,
      url: `${api}/repos/${fullName}/git/blobs/${sha}`,
      content: content.toString('base64').replace(/.{60}/g, '$&\n'),
      encoding: 'base64',
    });
  }

  async function listCommits(res: ServerResponse, url: URL, api: string, repo: GitShapes): Promise<void> {
    const ref = url.searchParams.get('sha') ?? 'HEAD';
    if (!(await resolveRef(repo.dir, ref))) return send(res, 404, { message: 'Not Found' });
    const filters = [ref];
    const since = url.searchParams.get('since');
    const until = url.searchParams.get('until');
    const author = url.searchParams.get('author');
    if (since) filters.push(`--since=${since}`);
    if (until) filters.push(`--until=${until}`);
    if (author) filters.push(`--author=${author}`);
    const path = url.searchParams.get('path');
    const paths = path ? ['--', path] : [];
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const [count, listed] = await Promise.all([
      git(repo.dir, ['rev-list', '--count', ...filters, ...paths]),
      git(repo.dir, ['rev-list', `--skip=${(page - 1) * perPage}`, `--max-count=${perPage}`, ...filters, ...paths]),
    ]);
    const last = Math.max(1, Math.ceil(Number(count.trim()) / perPage));
    const at = (p: number) => {
      const link = new URL(`${api}${url.pathname}${url.search}`);
      link.searchParams.set('per_page', String(perPage));
      link.searchParams.set('page', String(p));
      return link.toString();
    };
    const rels = page < last ? [`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`] : [];
    const commits = await repo.commits(api, listed.split('\n').filter(Boolean));
    send(res, 200, commits, rels.length ? { link: rels.join(', ') } : {});
  }

  return {
    handle: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname.split('/').filter(Boolean);
      const work = parts[0] === '_fixtures' ? control(req, res, parts) : github(req, res, url);
      return work.catch((error: unknown) => {
        context.log?.(`github stand-in (git): ${req.method} ${url.pathname}: ${error}`);
        if (!res.headersSent) send(res, 500, { message: 'fixture server error' });
        else res.end();
      });
    },
    addRepo: (fullName, dir) => void state.repos.set(fullName, dir),
    has: (fullName) => state.repos.has(fullName),
    branchHead: (fullName, branch) => {
      const dir = state.repos.get(fullName);
      if (!dir) return null;
      const read = readRef(dir, `refs/heads/${branch}`);
      return read === undefined ? resolveRefSync(dir, `refs/heads/${branch}`) : read;
    },
    blobReads: (fullName) => state.reads.get(fullName) ?? new Map(),
    dispose: () => {
      for (const repo of shapes.values()) repo.objects.close();
      for (const dir of state.owned.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
