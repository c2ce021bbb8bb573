import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface LocalPostgres {
  kind: 'postgres' | 'pglite';
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  database: string;
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Kept across runs when given (dev data survives restarts); a fresh temp dir (or memory) otherwise. */
  dataDir?: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  log?: (line: string) => void;
}

// Local-only credentials; the server listens on loopback and nothing else.
const USER = 'hezlep';
const PASSWORD = 'hezlep';
const DATABASE = 'hezlep';
const START_TIMEOUT_MS = 30_000;

/**
 * A Postgres on 127.0.0.1 for dev, tests and benchmarks: a real server when its
 * binaries are installed, PGlite otherwise. `HEZLEP_PG=postgres|pglite` forces one.
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const forced = process.env.HEZLEP_PG;
  if (forced && forced !== 'postgres' && forced !== 'pglite') {
    throw new Error(`HEZLEP_PG must be "postgres" or "pglite", not "${forced}"`);
  }
  const binaries = forced === 'pglite' ? undefined : findServerBinaries();
  if (binaries) return startServer(binaries, options);
  if (forced === 'postgres') {
    throw new Error(
      'HEZLEP_PG=postgres, but initdb, postgres and psql were not found on PATH or under /usr/lib/postgresql/*/bin',
    );
  }
  return startPglite(options);
}

interface ServerBinaries {
  initdb: string;
  postgres: string;
  psql: string;
}

/** Looks on PATH first, then in Debian's versioned directories, newest first. */
function findServerBinaries(): ServerBinaries | undefined {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const debianDirs = readdirSafe('/usr/lib/postgresql')
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => `/usr/lib/postgresql/${version}/bin`);
  const find = (name: string) =>
    [...pathDirs, ...debianDirs].map((dir) => join(dir, name)).find((file) => existsSync(file));
  const [initdb, postgres, psql] = [find('initdb'), find('postgres'), find('psql')];
  return initdb && postgres && psql ? { initdb, postgres, psql } : undefined;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Postgres refuses to run as root, so as root the server runs as `postgres` (or `nobody`). */
interface ServerAccount {
  uid: number;
  gid: number;
}

function serverAccount(): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entries = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const entry = entries.find((fields) => fields[0] === name);
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('Running as root, but neither a "postgres" nor a "nobody" user exists to run the server as');
}

async function startServer(bin: ServerBinaries, options: LocalPostgresOptions): Promise<LocalPostgres> {
  const log = options.log ?? (() => undefined);
  const account = serverAccount();
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), 'hezlep-pg-'));
  const started = Date.now();

  await mkdir(dataDir, { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await initCluster(bin, dataDir, account, temporary);
  }

  const port = options.port ?? (await freePort());
  const server = spawn(bin.postgres, ['-D', dataDir, ...serverSettings(dataDir, port, temporary)], {
    ...asAccount(account),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logTail = captureLog(server, log);
  // Ctrl+C reaches the server too (same process group); this covers other exits.
  const stopOnExit = () => server.kill('SIGQUIT');
  process.once('exit', stopOnExit);

  const stop = async () => {
    process.off('exit', stopOnExit);
    await stopServer(server);
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilAccepting(bin, port, server, logTail);
    await ensureDatabase(bin, port);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`postgres ready on 127.0.0.1:${port} in ${Date.now() - started} ms (data: ${temporary ? 'temporary' : dataDir})`);
  return { kind: 'postgres', ...connectionFields(port, USER, PASSWORD, DATABASE), stop };
}

async function initCluster(
  bin: ServerBinaries,
  dataDir: string,
  account: ServerAccount | undefined,
  temporary: boolean,
) {
  // initdb reads the superuser password from a file the server account can read.
  const pwDir = await mkdtemp(join(tmpdir(), 'hezlep-pw-'));
  const pwFile = join(pwDir, 'password');
  await writeFile(pwFile, PASSWORD, { mode: 0o600 });
  await chmod(dataDir, 0o700);
  if (account) {
    for (const path of [pwDir, pwFile, dataDir]) await chown(path, account.uid, account.gid);
  }
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--auth-local=trust', // the socket lives in the 0700 data dir
        '--auth-host=password', // cleartext over loopback, like Neon's pipelined password auth; SCRAM costs ~100 ms a connect
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
        ...(temporary ? ['--no-sync'] : []),
      ],
      account,
    );
  } finally {
    await rm(pwDir, { recursive: true, force: true });
  }
}

/** Passed on the command line rather than written to postgresql.conf, so a reused dir can change port. */
function serverSettings(dataDir: string, port: number, temporary: boolean): string[] {
  // Unix socket paths are limited to ~107 bytes; TCP is all we use, so drop the socket if it would not fit.
  const socketDir = join(dataDir, `.s.PGSQL.${port}`).length < 100 ? dataDir : '';
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${socketDir}`,
    // A temp cluster is thrown away, so durability only costs time.
    ...(temporary ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  return settings.flatMap((setting) => ['-c', setting]);
}

function asAccount(account: ServerAccount | undefined) {
  // Node drops root's supplementary groups when uid/gid are set.
  return { cwd: tmpdir(), ...(account ? { uid: account.uid, gid: account.gid } : {}) };
}

/** Keeps the last lines of the server log for error messages and forwards each line. */
function captureLog(server: ChildProcess, log: (line: string) => void): string[] {
  const tail: string[] = [];
  for (const stream of [server.stdout, server.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      log(`postgres: ${line}`);
    });
  }
  return tail;
}

async function waitUntilAccepting(bin: ServerBinaries, port: number, server: ChildProcess, logTail: string[]) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw startError(`exited (${server.exitCode ?? server.signalCode}) during start`, logTail);
    }
    const probe = await psql(bin, port, 'postgres', 'select 1').catch(() => undefined);
    if (probe === '1') return;
    if (Date.now() > deadline)
      throw startError(`did not accept connections within ${START_TIMEOUT_MS / 1000} s`, logTail);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startError(what: string, logTail: string[]): Error {
  return new Error(`Local postgres ${what}. Server log (last lines):\n${logTail.join('\n') || '(empty)'}`);
}

async function ensureDatabase(bin: ServerBinaries, port: number) {
  const exists = await psql(bin, port, 'postgres', `select 1 from pg_database where datname = '${DATABASE}'`);
  if (exists !== '1') await psql(bin, port, 'postgres', `create database ${DATABASE}`);
}

/** One statement through psql over TCP, so it also proves password auth works. */
function psql(bin: ServerBinaries, port: number, database: string, sql: string): Promise<string> {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    USER,
    '-d',
    database,
    '-XAtq',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    sql,
  ];
  return run(bin.psql, args, undefined, { PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '2' });
}

/** Runs a tool to completion; rejects with its output when it fails. */
function run(
  file: string,
  args: string[],
  account: ServerAccount | undefined,
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      ...asAccount(account),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(output.trim());
      else reject(new Error(`${file} failed (exit ${code}): ${output.trim()}`));
    });
  });
}

async function stopServer(server: ChildProcess) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  server.kill('SIGINT'); // "fast" shutdown: roll back open transactions, disconnect clients
  const timer = setTimeout(() => server.kill('SIGQUIT'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * PGlite is one single-user backend; pglite-socket multiplexes TCP connections onto it,
 * one protocol message at a time. Measured limits:
 * - while one connection is inside a transaction, every other connection waits, whatever
 *   rows it touches; a transaction that awaits another connection's query never finishes;
 * - user, password and database are ignored (always "postgres"), cancel requests are dropped,
 *   and pg_stat_activity shows no client backends.
 */
async function startPglite(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = new PGlite(options.dataDir ? resolve(options.dataDir) : undefined);
  await db.waitReady;
  // The default of 1 would turn away a Pool's second connection with a bare "Too many connections".
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 100 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  log(`pglite ready on 127.0.0.1:${port} in ${Date.now() - started} ms (data: ${options.dataDir ?? 'memory'})`);

  return {
    kind: 'pglite',
    // PGlite ignores the startup message's user, password and database: there is one
    // database ("postgres") and one user ("postgres").
    ...connectionFields(port, 'postgres', 'postgres', 'postgres'),
    async stop() {
      if (db.closed) return;
      await server.stop();
      await db.close();
    },
  };
}

function connectionFields(port: number, user: string, password: string, database: string) {
  return {
    host: '127.0.0.1' as const,
    port,
    user,
    password,
    database,
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePromise(port));
    });
  });
}
