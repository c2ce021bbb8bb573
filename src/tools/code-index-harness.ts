import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { startLocalLedger } from '../local/ledger';
import { startGitHubStandIn } from '../local/upstreams/github';
import { DETACHED } from '../local/upstreams/github/git';
import { IsolateHeap } from './bench/isolate-heap';
import { startDirectWorker } from './direct-worker';

/**
 * The real service, locally: the Worker under wrangler (workerd, the repo-index Durable
 * Object, alarms), the Postgres ledger behind its WebSocket bridge, and the git-backed
 * GitHub stand-in serving one repository from disk. Used by eval:search and bench:index.
 */
export interface CodeIndexHarness {
  fullName: string;
  /** The commit indexed (the checkout's HEAD when the harness started). */
  commit: string;
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Start a run and wait for it to finish (at most `maxMinutes`, default 30); returns the repository's status entry. */
  reindex(maxMinutes?: number): Promise<any>;
  /** Highest resident memory any workerd process reached (VmHWM), in bytes. */
  workerdPeakBytes(): number;
  /** Resident memory of the largest workerd process now (VmRSS), in bytes. */
  workerdRssBytes(): number;
  /** Called with the repository's status at every poll of a run, and how long that status request took. */
  onPoll?: (status: any, requestMs: number) => void;
  /** The most open descriptors of any workerd process now (a leak shows here first). */
  workerdDescriptors(): number;
  /** The Worker isolate's V8 heap, through the inspector (only with `inspect: true`). */
  heap(): Promise<IsolateHeap>;
  stop(): Promise<void>;
}

const HUMAN_KEY = `bench-human-${'k'.repeat(24)}`;
const GPT_KEY = `bench-gpt-${'k'.repeat(24)}`;
const CURSOR_KEY = `bench-cursor-${'k'.repeat(24)}`;

function workerdPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // Only the workerd processes this harness started (children of this process tree).
      if (cmd.includes('workerd') && isDescendant(Number(entry), process.pid)) pids.push(Number(entry));
    } catch {
      // process went away
    }
  }
  return pids;
}

function isDescendant(pid: number, ancestor: number): boolean {
  let current = pid;
  for (let i = 0; i < 20 && current > 1; i++) {
    if (current === ancestor) return true;
    try {
      current = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${current}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return false;
    }
  }
  return false;
}

export interface HarnessOptions {
  repoDir: string;
  log?: (line: string) => void;
  batchFiles?: number;
  /**
   * Local storage to use and keep (the caller removes it), with the project id it was written under:
   * a second harness over the same state sees the same index (ablations without re-indexing).
   */
  state?: { dir: string; projectId: string };
  /** Further Worker variables (e.g. SEARCH_WEIGHTS). */
  vars?: Record<string, string>;
  /** Open the inspector on a free port, for `heap()`. */
  inspect?: boolean;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startCodeIndexHarness(options: HarnessOptions): Promise<CodeIndexHarness> {
  const log = options.log ?? (() => undefined);
  // Offline: no request.cf lookup, no metrics.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  process.env.WRANGLER_SEND_METRICS = 'false';
  const repoDir = resolve(options.repoDir);
  // The checkout's branch; the stand-in serves a detached HEAD (a tag or commit) as the branch `detached`.
  const branch =
    spawnSync('git', ['-C', repoDir, 'symbolic-ref', '--quiet', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).stdout?.trim() || DETACHED;
  const commit = execFileSync('git', ['-C', repoDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const stops: (() => Promise<void>)[] = [];
  // wrangler.toml names the dashboard's build output as the assets directory: it must exist even before a build.
  mkdirSync('src/dashboard/dist', { recursive: true });
  try {
    const ledger = await startLocalLedger({ log });
    stops.push(() => ledger.stop());

    const fullName = 'local/repo';
    const gitHub = await startGitHubStandIn({ repos: { [fullName]: repoDir }, log });
    stops.push(() => gitHub.stop());

    // Fresh local storage per harness: an earlier run's objects (and their pending alarms, pointing
    // at a GitHub stand-in that is gone) must not wake up in this one.
    const state = options.state?.dir ?? mkdtempSync(join(tmpdir(), 'hezlep-harness-state-'));
    if (!options.state) stops.push(async () => rmSync(state, { recursive: true, force: true }));
    const inspectorPort = options.inspect ? await freePort() : undefined;
    const vars: Record<string, string> = {
      HEZLEP_API_KEYS: JSON.stringify([
        { client: 'human', person: 'bench', key: HUMAN_KEY },
        { client: 'gpt', key: GPT_KEY },
        { client: 'cursor', person: 'bench', key: CURSOR_KEY },
      ]),
      ...ledger.vars,
      PROJECT_ID: options.state?.projectId ?? `bench-${Date.now().toString(36)}`,
      GITHUB_API_URL: gitHub.url,
      INDEX_REPOS: `${fullName}@${branch}`,
      INDEX_BATCH_FILES: String(options.batchFiles ?? 40),
      INDEX_RETRY_BASE_MS: '200',
      LOG_LEVEL: 'warn',
      ...options.vars,
    };
    // wrangler.toml's top-level entry: the shipped Worker plus the local stand-ins' classes, asked at
    // workerd's own socket (see startDirectWorker). The inspector only when asked for (heap()): with
    // it, wrangler's inspector proxy posts every inspector event of the Worker (six per subrequest)
    // to this process, each on a connection of its own (hundreds at once in an 8,000-file run), and
    // keeps every event in memory until a debugger attaches.
    const worker = await startDirectWorker({
      config: 'wrangler.toml',
      bindings: Object.fromEntries(
        Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }]),
      ),
      dev: {
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: inspectorPort ? { hostname: '127.0.0.1', port: inspectorPort } : false,
        persist: state,
        // No rebuild on file changes: a measurement runs the code it started with.
        watch: false,
        liveReload: false,
        logLevel: 'warn',
        remote: false,
      },
    });
    const { url } = worker;
    stops.push(() => worker.dispose());
    // Attached from the start for the harness's whole life, with the runtime's Network events off
    // (IsolateHeap.quietNetwork): a proxy with no client keeps every event in memory.
    const inspector = inspectorPort ? await IsolateHeap.connect(inspectorPort) : null;
    if (inspector) {
      stops.push(async () => inspector.close());
      await inspector.quietNetwork();
    }

    // node:http, one connection per request: no keep-alive socket sits idle while this process
    // computes (the local server closes one idle for 5 s), and no 300 s header timeout (fetch's).
    const request = (method: string, path: string, body?: unknown, key = CURSOR_KEY) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const outgoing = httpRequest(
          {
            host: url.hostname,
            port: Number(url.port),
            path,
            method,
            agent: false,
            headers: {
              ...worker.headers,
              'x-api-key': key,
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (piece: string) => {
              text += piece;
            });
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
            );
            response.on('error', reject);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(payload);
      });

    let peak = 0;
    const sample = () => {
      for (const pid of workerdPids()) {
        try {
          const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
          peak = Math.max(peak, hwm);
        } catch {
          // gone
        }
      }
    };
    // The largest workerd process (the one running the Worker and its objects), as VmHWM is per process.
    const rss = () => {
      let largest = 0;
      for (const pid of workerdPids()) {
        try {
          largest = Math.max(
            largest,
            Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
          );
        } catch {
          // gone
        }
      }
      return largest;
    };

    const harness: CodeIndexHarness = {
      fullName,
      commit,
      request: (method, path, body) => request(method, path, body),
      async reindex(maxMinutes = 30) {
        const before = (await request('GET', '/ai/github/index')).body.repos[0]?.lastRun?.id ?? null;
        const started = await request('POST', '/ai/github/reindex', {}, HUMAN_KEY);
        if (started.status !== 202)
          throw new Error(`reindex refused: ${started.status} ${JSON.stringify(started.body)}`);
        // Bounded wait, by the clock of the caller (a benchmark), never by a count of polls.
        const deadline = Date.now() + maxMinutes * 60_000;
        while (Date.now() < deadline) {
          const t = performance.now();
          const status = (await request('GET', '/ai/github/index')).body.repos[0];
          sample();
          harness.onPoll?.(status, performance.now() - t);
          if (!status.running && status.lastRun && status.lastRun.id !== before) return status;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`the run did not finish within ${maxMinutes} minutes`);
      },
      workerdPeakBytes() {
        sample();
        return peak;
      },
      workerdRssBytes: rss,
      workerdDescriptors() {
        let most = 0;
        for (const pid of workerdPids()) {
          try {
            most = Math.max(most, readdirSync(`/proc/${pid}/fd`).length);
          } catch {
            // gone
          }
        }
        return most;
      },
      async heap() {
        if (!inspector) throw new Error('the harness was started without inspect: true');
        return inspector;
      },
      async stop() {
        // Idempotent: each part stops once.
        for (const stop of stops.reverse().splice(0)) await stop().catch((error) => log(`[harness] stop: ${error}`));
      },
    };
    return harness;
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/** `--name value` from argv. */
export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export function gitAvailable(): boolean {
  return spawnSync('git', ['--version']).status === 0;
}

export const GPT_API_KEY = GPT_KEY;
