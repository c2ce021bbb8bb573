import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RespConnection } from './resp-client';

export interface LocalRedis {
  host: '127.0.0.1';
  port: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Fixed port; a free one is picked when omitted. */
  port?: number;
  log?: (line: string) => void;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;
const KEPT_LOG_LINES = 40;

/**
 * Starts a throwaway redis-server (no persistence, its own temp dir) for tests and
 * benchmarks. Resolves to null when no redis-server binary is installed, so callers
 * can skip with a clear message instead of failing.
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<LocalRedis | null> {
  const binary = findRedisBinary();
  if (!binary) {
    opts.log?.('redis-server not found on PATH, /usr/bin or /usr/local/bin');
    return null;
  }
  const port = opts.port ?? (await findFreePort());
  const dir = await mkdtemp(join(tmpdir(), 'hezlep-redis-'));
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  const recentLog: string[] = [];
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recentLog.push(line);
      if (recentLog.length > KEPT_LOG_LINES) recentLog.shift();
      opts.log?.(`[redis ${port}] ${line}`);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // If the test process dies without calling stop(), do not leave redis running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForPing(port, child.pid, () => exited);
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`redis-server (${binary}) did not start on ${HOST}:${port}: ${reason}\n${recentLog.join('\n')}`);
  }
  opts.log?.(`redis-server ready on ${HOST}:${port}`);
  return { host: HOST, port, stop };
}

export function findRedisBinary(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

/** Asks the OS for a free port. Another process could take it before redis binds; rare enough for tests. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

/** Waits for PONG from this child: with a fixed port, another redis may already answer there. */
async function waitForPing(port: number, pid: number | undefined, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    try {
      const conn = await RespConnection.connect({ host: HOST, port }, 1000);
      try {
        const [pong, info] = await conn.send([['PING'], ['INFO', 'server']]);
        const answeringPid = /process_id:(\d+)/.exec(String(info))?.[1];
        if (pong === 'PONG' && answeringPid === String(pid)) return;
        lastError =
          pong === 'PONG'
            ? `port ${port} is answered by another redis (pid ${answeringPid})`
            : `PING answered ${String(pong)}`;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no PONG within ${START_TIMEOUT_MS / 1000} s (last: ${lastError})`);
}
