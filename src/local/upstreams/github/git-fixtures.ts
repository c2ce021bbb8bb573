import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync, mkdtempSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from './git-cli';
import { GITHUB_TREE_LIMITS, type TreeLimits } from './git-tree';

/** A scripted failure of blob reads, scoped to one repository. */
export interface Fault {
  fullName: string;
  sha: string;
  status: number;
  /** How many more reads fail; -1 means until cleared. */
  remaining: number;
}

/** What the git-backed stand-in keeps: served repositories, injected faults, blob reads, the directories it made. */
export interface GitState {
  repos: Map<string, string>;
  faults: Fault[];
  reads: Map<string, Map<string, number>>;
  /** Requests served per repository, by kind (`commits`: a list page, `commit`: one commit with its files). */
  requests: Map<string, Record<string, number>>;
  owned: string[];
  /** Lower tree-listing limits a fixture asked for (GitHub's own otherwise). */
  treeLimits: Map<string, TreeLimits>;
}

export type Send = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void;

export async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

interface Change {
  write?: Record<string, string>;
  delete?: string[];
  rename?: Record<string, string>;
  message?: string;
}

async function applyChanges(dir: string, body: Change): Promise<string> {
  for (const [from, to] of Object.entries(body.rename ?? {})) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    renameSync(join(dir, from), join(dir, to));
  }
  for (const path of body.delete ?? []) unlinkSync(join(dir, path));
  for (const [path, content] of Object.entries(body.write ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '--allow-empty', '-m', body.message ?? 'fixture change']);
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

/**
 * The control API under `/_fixtures` (tests inside workerd cannot run git): create fixture
 * repositories, commit to them, inject faults into one repository's blob reads, count blob reads.
 * Commits to one repository are applied one after another (they share its working tree).
 */
export function fixtureControl(state: GitState, send: Send) {
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(dir: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(dir) ?? Promise.resolve()).then(work, work);
    queues.set(
      dir,
      next.catch(() => undefined),
    );
    return next;
  };
  const notFound = (res: ServerResponse) => send(res, 404, { message: 'Not Found' });

  return async function control(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    // POST /_fixtures/repos  {files, branch?, name?, treeLimits?: {entries?, bytes?}}
    if (req.method === 'POST' && parts.length === 2 && parts[1] === 'repos') {
      const body = await readJson(req);
      const dir = mkdtempSync(join(tmpdir(), 'hezlep-fixture-'));
      state.owned.push(dir);
      const branch = body.branch ?? 'main';
      await git(dir, ['init', '-q', '-b', branch]);
      const head = await serialised(dir, () =>
        applyChanges(dir, { write: body.files ?? {}, message: 'initial fixture' }),
      );
      const fullName = `fixtures/${body.name ?? `repo-${Math.random().toString(36).slice(2, 10)}`}`;
      state.repos.set(fullName, dir);
      if (body.treeLimits) state.treeLimits.set(fullName, { ...GITHUB_TREE_LIMITS, ...body.treeLimits });
      return send(res, 201, { fullName, owner: 'fixtures', name: fullName.split('/')[1], branch, head });
    }
    // POST /_fixtures/repos/:owner/:name/commits  {write, delete, rename, message}
    if (req.method === 'POST' && parts.length === 5 && parts[1] === 'repos' && parts[4] === 'commits') {
      const dir = state.repos.get(`${parts[2]}/${parts[3]}`);
      if (!dir) return notFound(res);
      const body = await readJson(req);
      return send(res, 201, { head: await serialised(dir, () => applyChanges(dir, body)) });
    }
    // GET /_fixtures/repos/:owner/:name/reads → blob reads by path at HEAD
    if (req.method === 'GET' && parts.length === 5 && parts[4] === 'reads') {
      const fullName = `${parts[2]}/${parts[3]}`;
      const dir = state.repos.get(fullName);
      if (!dir) return notFound(res);
      const counts = state.reads.get(fullName) ?? new Map<string, number>();
      const byPath: Record<string, number> = {};
      for (const line of (await git(dir, ['ls-tree', '-r', 'HEAD'])).split('\n').filter(Boolean)) {
        const [meta, path] = line.split('\t');
        byPath[path!] = counts.get(meta!.split(' ')[2]!) ?? 0;
      }
      return send(res, 200, { byPath, total: [...counts.values()].reduce((a, b) => a + b, 0) });
    }
    // GET /_fixtures/repos/:owner/:name/requests → requests served for that repository, by kind
    if (req.method === 'GET' && parts.length === 5 && parts[4] === 'requests')
      return send(res, 200, state.requests.get(`${parts[2]}/${parts[3]}`) ?? {});
    // POST /_fixtures/faults {fullName, path, status, times}; DELETE /_fixtures/faults {fullName}
    if (parts.length === 2 && parts[1] === 'faults') {
      const body = await readJson(req);
      if (req.method === 'DELETE') {
        // Only the named repository's faults: tests running side by side never clear each other's.
        const kept = state.faults.filter((f) => body.fullName !== undefined && f.fullName !== body.fullName);
        state.faults.splice(0, state.faults.length, ...kept);
        return send(res, 200, { cleared: true });
      }
      const dir = state.repos.get(body.fullName);
      if (!dir) return notFound(res);
      const sha = (await git(dir, ['rev-parse', `HEAD:${body.path}`])).trim();
      state.faults.push({ fullName: body.fullName, sha, status: body.status ?? 500, remaining: body.times ?? -1 });
      return send(res, 201, { sha });
    }
    return notFound(res);
  };
}
