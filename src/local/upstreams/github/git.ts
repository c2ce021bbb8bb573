import type { IncomingMessage, ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { branchSha, DETACHED } from './refs';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GitHubRoutes, StandInContext } from './routes';
import { cutTree, GITHUB_TREE_LIMITS, type TreeLimits } from './git-tree';
import { BlobReaders } from './git-blobs';

/**
 * The GitHub stand-in's git-backed repositories: GitHub's REST shapes (repo, branches, commits and
 * their list, compare, recursive git trees, base64 blobs, tarball) served from REAL git repositories
 * on disk through the git CLI, so the indexing pipeline runs end to end on any local repository
 * (`npm run dev` serves this checkout's own history this way).
 *
 * Tests running inside workerd cannot run git, so a small control API under
 * `/_fixtures` creates fixture repositories, commits changes to them, injects faults
 * into blob reads (scoped to one repository) and reports how often each blob was read.
 */
export interface GitRepos extends GitHubRoutes {
  /** Serve an existing repository at `owner/name`. */
  addRepo(fullName: string, dir: string): void;
  has(fullName: string): boolean;
  /** The commit a branch points at, or null. */
  branchHead(fullName: string, branch: string): string | null;
  blobReads(fullName: string): Map<string, number>;
  /** Remove the fixture repositories this stand-in created. */
  dispose(): void;
}

interface Fault {
  fullName: string;
  sha: string;
  status: number;
  /** How many more reads fail; -1 means until cleared. */
  remaining: number;
}

const GIT_IDENTITY = [
  '-c',
  'user.name=Fixture Bot',
  '-c',
  'user.email=fixtures@hezlep.test',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.autocrlf=false',
  '-c',
  'core.quotePath=false',
];

function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', [...GIT_IDENTITY, '-C', dir, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 512 * 1024 * 1024,
  });
}

function gitBuffer(dir: string, args: string[]): Buffer {
  return execFileSync('git', [...GIT_IDENTITY, '-C', dir, ...args], { maxBuffer: 512 * 1024 * 1024 });
}

/** A commit never changes: its fields are read from git once per repository and sha (git runs synchronously). */
const commitFields = new Map<string, string[]>();

function commitObject(api: string, fullName: string, dir: string, sha: string) {
  const key = `${dir}:${sha}`;
  let fields = commitFields.get(key);
  if (!fields) {
    fields = git(dir, ['show', '-s', '--format=%T%n%P%n%an%n%ae%n%aI%n%B', sha]).split('\n');
    commitFields.set(key, fields);
  }
  const [tree, parents, author, email, date, message] = fields;
  return {
    sha,
    node_id: `C_${sha.slice(0, 12)}`,
    url: `${api}/repos/${fullName}/commits/${sha}`,
    html_url: `${api}/${fullName}/commit/${sha}`,
    commit: {
      author: { name: author, email, date },
      committer: { name: author, email, date },
      message: message ?? '',
      tree: { sha: tree, url: `${api}/repos/${fullName}/git/trees/${tree}` },
      url: `${api}/repos/${fullName}/git/commits/${sha}`,
    },
    parents: (parents ?? '')
      .split(' ')
      .filter(Boolean)
      .map((p) => ({ sha: p, url: `${api}/repos/${fullName}/commits/${p}` })),
  };
}

const LANGUAGES: Record<string, string> = {
  ts: 'TypeScript',
  tsx: 'TypeScript',
  js: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  css: 'CSS',
  html: 'HTML',
  sh: 'Shell',
  py: 'Python',
  go: 'Go',
  sql: 'SQL',
};

/** Bytes per language at a ref, by file extension, as GitHub's languages route reports them. */
function languagesOf(dir: string, ref = 'HEAD'): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const line of git(dir, ['ls-tree', '-r', '-l', ref]).split('\n').filter(Boolean)) {
    const [meta, path] = line.split('\t');
    const language = LANGUAGES[path!.split('.').pop() ?? ''];
    if (language) bytes[language] = (bytes[language] ?? 0) + Number(meta!.split(/\s+/)[3] ?? 0);
  }
  return bytes;
}

function sizeOf(dir: string, ref: string): number {
  return git(dir, ['ls-tree', '-r', '-l', ref])
    .split('\n')
    .filter(Boolean)
    .reduce((sum, line) => sum + (Number(line.split(/\s+/)[3]) || 0), 0);
}

const STATUS: Record<string, string> = {
  A: 'added',
  M: 'modified',
  D: 'removed',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

export { DETACHED };

export function gitRepos(context: StandInContext, initial: Record<string, string> = {}): GitRepos {
  const repos = new Map<string, string>(Object.entries(initial));
  const faults: Fault[] = [];
  const reads = new Map<string, Map<string, number>>();
  const treeLimits = new Map<string, TreeLimits>();
  const blobReaders = new BlobReaders();
  const owned: string[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-remaining': '4999',
      ...headers,
    });
    res.end(text);
  };
  const notFound = (res: ServerResponse) =>
    send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  const readBody = async (req: IncomingMessage): Promise<any> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : {};
  };
  const resolve = (dir: string, ref: string): string | null => {
    try {
      return git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim() || null;
    } catch {
      return null;
    }
  };

  function applyChanges(
    dir: string,
    body: { write?: Record<string, string>; delete?: string[]; rename?: Record<string, string>; message?: string },
  ): string {
    for (const [from, to] of Object.entries(body.rename ?? {})) {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      renameSync(join(dir, from), join(dir, to));
    }
    for (const path of body.delete ?? []) unlinkSync(join(dir, path));
    for (const [path, content] of Object.entries(body.write ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '--allow-empty', '-m', body.message ?? 'fixture change']);
    return git(dir, ['rev-parse', 'HEAD']).trim();
  }

  async function control(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    // POST /_fixtures/repos  {files, branch?, treeLimits?: {entries?, bytes?}}
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'repos') {
      const body = await readBody(req);
      const dir = mkdtempSync(join(tmpdir(), 'hezlep-fixture-'));
      owned.push(dir);
      const branch = body.branch ?? 'main';
      git(dir, ['init', '-q', '-b', branch]);
      const head = applyChanges(dir, { write: body.files ?? {}, message: 'initial fixture' });
      const fullName = `fixtures/${body.name ?? `repo-${Math.random().toString(36).slice(2, 10)}`}`;
      repos.set(fullName, dir);
      if (body.treeLimits) treeLimits.set(fullName, { ...GITHUB_TREE_LIMITS, ...body.treeLimits });
      return send(res, 201, { fullName, owner: 'fixtures', name: fullName.split('/')[1], branch, head });
    }
    // POST /_fixtures/repos/:owner/:name/commits  {write, delete, rename, message}
    if (req.method === 'POST' && parts.length === 5 && parts[1] === 'repos' && parts[4] === 'commits') {
      const dir = repos.get(`${parts[2]}/${parts[3]}`);
      if (!dir) return notFound(res);
      return send(res, 201, { head: applyChanges(dir, await readBody(req)) });
    }
    // GET /_fixtures/repos/:owner/:name/reads → blob reads by path at HEAD
    if (req.method === 'GET' && parts.length === 5 && parts[4] === 'reads') {
      const fullName = `${parts[2]}/${parts[3]}`;
      const dir = repos.get(fullName);
      if (!dir) return notFound(res);
      const counts = reads.get(fullName) ?? new Map<string, number>();
      const byPath: Record<string, number> = {};
      for (const line of git(dir, ['ls-tree', '-r', 'HEAD']).split('\n').filter(Boolean)) {
        const [meta, path] = line.split('\t');
        const sha = meta!.split(' ')[2]!;
        byPath[path!] = counts.get(sha) ?? 0;
      }
      return send(res, 200, { byPath, total: [...counts.values()].reduce((a, b) => a + b, 0) });
    }
    // POST /_fixtures/faults {fullName, path, status, times}; DELETE /_fixtures/faults
    if (parts.length === 2 && parts[1] === 'faults') {
      const body = await readBody(req);
      if (req.method === 'DELETE') {
        // Only the named repository's faults: tests running side by side never clear each other's.
        const kept = faults.filter((f) => body.fullName !== undefined && f.fullName !== body.fullName);
        faults.splice(0, faults.length, ...kept);
        return send(res, 200, { cleared: true });
      }
      const dir = repos.get(body.fullName);
      if (!dir) return notFound(res);
      const sha = git(dir, ['rev-parse', `HEAD:${body.path}`]).trim();
      faults.push({ fullName: body.fullName, sha, status: body.status ?? 500, remaining: body.times ?? -1 });
      return send(res, 201, { sha });
    }
    return notFound(res);
  }

  async function github(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const api = context.origin();
    // Fixture repositories are public: no token is fine, a wrong one is refused as GitHub does.
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `token ${context.token}` && auth !== `Bearer ${context.token}`)
      return send(res, 401, { message: 'Bad credentials' });
    const m = /^\/repos\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return notFound(res);
    const fullName = `${m[1]}/${m[2]}`;
    const dir = repos.get(fullName);
    if (!dir) return notFound(res);
    const rest = m[3] ? decodeURIComponent(m[3]) : '';
    if (rest === '') {
      const branch = headBranch(dir);
      const pushedAt = git(dir, ['log', '-1', '--format=%cI', branch === DETACHED ? 'HEAD' : branch]).trim();
      return send(res, 200, {
        id: 1,
        name: m[2],
        full_name: fullName,
        private: true,
        visibility: 'private',
        default_branch: branch,
        owner: { login: m[1] },
        html_url: `${api}/${fullName}`,
        size: Math.round(sizeOf(dir, branch === DETACHED ? 'HEAD' : branch) / 1024),
        open_issues_count: 0,
        topics: [],
        pushed_at: pushedAt,
      });
    }
    if (rest === 'languages') return send(res, 200, languagesOf(dir));
    if (rest === 'releases/latest') return send(res, 404, { message: 'Not Found' });
    if (rest === 'pulls') return send(res, 200, []);
    if (rest === 'branches') {
      const heads = git(dir, ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads'])
        .split('\n')
        .filter(Boolean);
      const listed = heads.map((line) => {
        const [name, sha] = line.split(' ');
        return { name, commit: { sha, url: `${api}/repos/${fullName}/commits/${sha}` }, protected: name === 'main' };
      });
      return send(res, 200, url.searchParams.get('protected') === 'true' ? listed.filter((b) => b.protected) : listed);
    }
    if (rest === 'commits') return listCommits(res, url, api, fullName, dir);
    let r: RegExpExecArray | null;
    if ((r = /^commits\/([^/]+)\/check-runs$/.exec(rest))) {
      // Every commit of a served repository passed its one check: what `npm test` says of a pushed commit.
      const sha = resolve(dir, r[1]!);
      if (!sha) return send(res, 422, { message: `No commit found for SHA: ${r[1]}` });
      const at = commitObject(api, fullName, dir, sha).commit.committer.date;
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
      // A detached checkout (a tag or commit) is served as the branch `detached`.
      const sha = branchSha(dir, r[1]!, { resolve, headBranch });
      if (!sha) return send(res, 404, { message: 'Branch not found' });
      return send(res, 200, { name: r[1], commit: commitObject(api, fullName, dir, sha), protected: false });
    }
    if ((r = /^commits\/(.+)$/.exec(rest))) {
      const sha = resolve(dir, r[1]!);
      if (!sha) return send(res, 422, { message: `No commit found for SHA: ${r[1]}` });
      return send(res, 200, commitObject(api, fullName, dir, sha));
    }
    if ((r = /^compare\/(.+?)\.\.\.(.+)$/.exec(rest))) {
      const base = resolve(dir, r[1]!);
      const head = resolve(dir, r[2]!);
      if (!base || !head) return send(res, 404, { message: 'Not Found' });
      let status = 'diverged';
      if (base === head) status = 'identical';
      else if (spawnOk(dir, ['merge-base', '--is-ancestor', base, head])) status = 'ahead';
      else if (spawnOk(dir, ['merge-base', '--is-ancestor', head, base])) status = 'behind';
      const headBlobs = new Map<string, string>();
      for (const line of git(dir, ['ls-tree', '-r', head]).split('\n').filter(Boolean)) {
        const [meta, path] = line.split('\t');
        headBlobs.set(path!, meta!.split(' ')[2]!);
      }
      const files = git(dir, ['diff', '--name-status', '-M', base, head])
        .split('\n')
        .filter(Boolean)
        .slice(0, 300)
        .map((line) => {
          const fields = line.split('\t');
          const code = fields[0]!.charAt(0);
          const path = code === 'R' || code === 'C' ? fields[2]! : fields[1]!;
          return {
            sha: code === 'D' ? null : (headBlobs.get(path) ?? null),
            filename: path,
            status: STATUS[code] ?? 'modified',
            ...(code === 'R' || code === 'C' ? { previous_filename: fields[1] } : {}),
            additions: 0,
            deletions: 0,
            changes: 0,
          };
        });
      const commits = git(dir, ['rev-list', '--reverse', `${base}..${head}`])
        .split('\n')
        .filter(Boolean);
      return send(res, 200, {
        status,
        ahead_by: commits.length,
        behind_by:
          git(dir, ['rev-list', '--count', `${head}..${base}`]).trim() === '0'
            ? 0
            : Number(git(dir, ['rev-list', '--count', `${head}..${base}`]).trim()),
        total_commits: commits.length,
        base_commit: commitObject(api, fullName, dir, base),
        merge_base_commit: commitObject(api, fullName, dir, base),
        commits: commits.slice(0, 250).map((sha) => commitObject(api, fullName, dir, sha)),
        files,
      });
    }
    if ((r = /^git\/trees\/(.+)$/.exec(rest))) {
      const recursive = url.searchParams.has('recursive');
      let listing: string;
      try {
        listing = git(dir, ['ls-tree', '-l', ...(recursive ? ['-r', '-t'] : []), r[1]!]);
      } catch {
        return send(res, 404, { message: 'Not Found' });
      }
      const lines = listing.split('\n').filter(Boolean);
      // A snapshot may lack some large blobs: list only what can be served, as GitHub would.
      const missing = missingObjects(
        dir,
        lines.map((line) => line.split(/\s+/)[2]!),
      );
      const tree = lines
        .filter((line) => !missing.has(line.split(/\s+/)[2]!))
        .map((line) => {
          const [meta, path] = line.split('\t');
          const [mode, type, sha, size] = meta!.split(/\s+/);
          return {
            path,
            mode,
            type,
            sha,
            ...(type === 'blob' ? { size: Number(size) } : {}),
            url: `${api}/repos/${fullName}/git/${type}s/${sha}`,
          };
        });
      // Only a recursive listing is cut; a single level always fits.
      const listed = recursive
        ? cutTree(tree, treeLimits.get(fullName) ?? GITHUB_TREE_LIMITS)
        : { tree, truncated: false };
      return send(res, 200, { sha: r[1], url: `${api}/repos/${fullName}/git/trees/${r[1]}`, ...listed });
    }
    if ((r = /^git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      const sha = r[1]!;
      const counts = reads.get(fullName) ?? new Map<string, number>();
      reads.set(fullName, counts);
      counts.set(sha, (counts.get(sha) ?? 0) + 1);
      const fault = faults.find((f) => f.fullName === fullName && f.sha === sha && f.remaining !== 0);
      if (fault) {
        if (fault.remaining > 0) fault.remaining--;
        return send(res, fault.status, { message: 'Injected fault' });
      }
      const content = await blobReaders.for(dir).read(sha);
      if (!content) return send(res, 404, { message: 'Not Found' });
      const base64 = content.toString('base64').replace(/.{60}/g, '$&\n');
      return send(res, 200, {
        sha,
        node_id: `B_${sha.slice(0, 12)}`,
        size: content.length,
        url: `${api}/repos/${fullName}/git/blobs/${sha}`,
        content: base64,
        encoding: 'base64',
      });
    }
    if ((r = /^tarball(?:\/(.+))?$/.exec(rest))) {
      const sha = resolve(dir, r[1] ?? 'HEAD');
      if (!sha) return notFound(res);
      const archive = gitBuffer(dir, [
        'archive',
        '--format=tar.gz',
        `--prefix=${m[1]}-${m[2]}-${sha.slice(0, 7)}/`,
        sha,
      ]);
      res.writeHead(200, { 'content-type': 'application/x-gzip', 'content-length': String(archive.length) });
      res.end(archive);
      return;
    }
    return notFound(res);
  }

  function listCommits(res: ServerResponse, url: URL, api: string, fullName: string, dir: string): void {
    const ref = url.searchParams.get('sha') ?? 'HEAD';
    if (!resolve(dir, ref)) {
      send(res, 404, { message: 'Not Found' });
      return;
    }
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
    const total = Number(git(dir, ['rev-list', '--count', ...filters, ...paths]).trim());
    const shas = git(dir, [
      'rev-list',
      `--skip=${(page - 1) * perPage}`,
      `--max-count=${perPage}`,
      ...filters,
      ...paths,
    ])
      .split('\n')
      .filter(Boolean);
    const last = Math.max(1, Math.ceil(total / perPage));
    const at = (p: number) => {
      const link = new URL(`${api}${url.pathname}${url.search}`);
      link.searchParams.set('per_page', String(perPage));
      link.searchParams.set('page', String(p));
      return link.toString();
    };
    const rels = page < last ? [`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`] : [];
    send(
      res,
      200,
      shas.map((sha) => commitObject(api, fullName, dir, sha)),
      rels.length ? { link: rels.join(', ') } : {},
    );
  }

  function missingObjects(dir: string, shas: string[]): Set<string> {
    const out = execFileSync('git', ['-C', dir, 'cat-file', '--batch-check'], {
      input: `${shas.join('\n')}\n`,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
    });
    return new Set(
      out
        .split('\n')
        .filter((line) => line.endsWith(' missing'))
        .map((line) => line.split(' ')[0]!),
    );
  }

  function headBranch(dir: string): string {
    try {
      return git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).trim() || DETACHED;
    } catch {
      return DETACHED;
    }
  }

  function spawnOk(dir: string, args: string[]): boolean {
    try {
      git(dir, args);
      return true;
    } catch {
      return false;
    }
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
    addRepo: (fullName, dir) => void repos.set(fullName, dir),
    has: (fullName) => repos.has(fullName),
    branchHead: (fullName, branch) => {
      const dir = repos.get(fullName);
      return dir ? resolve(dir, `refs/heads/${branch}`) : null;
    },
    blobReads: (fullName) => reads.get(fullName) ?? new Map(),
    dispose: () => {
      blobReaders.closeAll();
      for (const dir of owned.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
