import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { LocalPostgres } from './postgres';
import { startLocalLedger } from './ledger';
import { keyTableOf, loadOrCreateDevKeys, type DevKey } from './dev-keys';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const SECRET_VARS = [
  'DATABASE_URL',
  'HEZLEP_API_KEYS',
  'GITHUB_TOKEN',
  'GITHUB_WEBHOOK_SECRET',
  'WP_APP_PASSWORD',
  'CW_API_KEY',
];

export interface LocalServiceOptions {
  port?: number;
  /** Where Postgres data, Durable Object state and dev keys live; temp/in-memory when omitted. */
  stateDir?: string;
  /** Extra Worker variables (e.g. UPSTASH_REDIS_REST_URL for the Upstash adapter). */
  vars?: Record<string, string>;
  log?: (line: string) => void;
  /** Show wrangler's own output. */
  verbose?: boolean;
  /** Let callers run the cron triggers through wrangler's `/__scheduled?cron=…` (browser tests). */
  testScheduled?: boolean;
}

export interface LocalService {
  url: string;
  keys: DevKey[];
  postgres: LocalPostgres;
  stop(): Promise<void>;
}

/**
 * The whole service offline, as `npm run dev` runs it: a local Postgres behind the WebSocket bridge (so the
 * production Neon driver path runs), migrations applied, and `wrangler dev`.
 */
export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const log = options.log ?? (() => undefined);
  const port = options.port ?? 8787;
  const stateDir = options.stateDir;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    log('starting the local Postgres ledger…');
    const ledger = await startLocalLedger({ dataDir: stateDir ? join(stateDir, 'pgdata') : undefined, log });
    stops.push(() => ledger.stop());
    const { postgres } = ledger;
    log(
      `ledger: ${postgres.kind} on 127.0.0.1:${postgres.port}, bridge ws://${ledger.vars.DATABASE_WS_PROXY}, migrations applied`,
    );

    // wrangler serves the dashboard from its build output; build it once if it is not there yet.
    const { ensureDashboardBuilt } = await import('../dashboard/build');
    await ensureDashboardBuilt(log);

    const keys = loadOrCreateDevKeys(join(stateDir ?? join(PROJECT_ROOT, '.hezlep'), 'dev-keys.json'));
    const vars: Record<string, string> = {
      HEZLEP_API_KEYS: keyTableOf(keys),
      ...ledger.vars,
      ...options.vars,
    };
    const args = [
      'wrangler',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--show-interactive-dev-session=false',
    ];
    if (stateDir) args.push('--persist-to', join(stateDir, 'wrangler'));
    if (options.testScheduled) args.push('--test-scheduled');
    for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
    const wrangler = spawn('npx', args, {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    stops.push(() => stopProcessGroup(wrangler));
    const output: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 50) output.shift();
        // Hide the --var values wrangler echoes back: they include the ledger URL and the stand-ins' credentials.
        if (options.verbose && !SECRET_VARS.some((name) => line.includes(name))) log(`[wrangler] ${line}`);
      }
    };
    wrangler.stdout!.on('data', onData);
    wrangler.stderr!.on('data', onData);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, wrangler, output);
    return { url, keys, postgres, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-20).join('\n')}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer ${url}/healthz within 90 s:\n${output.slice(-20).join('\n')}`);
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
