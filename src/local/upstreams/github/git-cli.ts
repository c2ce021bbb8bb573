import { execFileSync, spawn } from 'node:child_process';

/** Fixed identity and output settings for every git call, so fixture commits and paths read the same on any machine. */
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

export class GitFailure extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited ${code}: ${stderr.trim().slice(0, 300)}`);
  }
}

/** Git processes running at once: enough to overlap requests, few enough not to swamp a small machine. */
const MAX_RUNNING = 8;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Run git without blocking the event loop: the stand-in serves many requests at once
 * (an index run and the dashboard), and a synchronous git call would make each wait for all.
 */
export function gitBytes(dir: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return slot(() => spawnGit(dir, args, options));
}

function spawnGit(dir: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', [...GIT_IDENTITY, '-C', dir, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitFailure(args, code, Buffer.concat(err).toString('utf8')));
    });
    // A git that exits before reading all its input closes the pipe: its exit code tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export async function git(dir: string, args: string[], input?: string): Promise<string> {
  return (await gitBytes(dir, args, { input })).toString('utf8');
}

/** True when git exits 0 (for yes/no questions such as `merge-base --is-ancestor`). */
export async function gitOk(dir: string, args: string[]): Promise<boolean> {
  return git(dir, args).then(
    () => true,
    () => false,
  );
}

/** The commit a ref names, or null. */
export async function resolveRef(dir: string, ref: string): Promise<string | null> {
  try {
    return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

/**
 * The one synchronous call left: the Actions stand-in asks for a branch head while it handles a
 * dispatch, through a synchronous hook. One `rev-parse` is about a millisecond.
 */
export function resolveRefSync(dir: string, ref: string): string | null {
  try {
    return (
      execFileSync('git', ['-C', dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

/** The checked-out branch, or `detached` (the fallback of refs.ts when the ref files cannot be read). */
export function headBranchSync(dir: string): string {
  try {
    return (
      execFileSync('git', ['-C', dir, 'symbolic-ref', '--quiet', '--short', 'HEAD'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || 'detached'
    );
  } catch {
    return 'detached';
  }
}

/** Which of these objects the repository lacks (a partial snapshot may miss large blobs). */
export async function missingObjects(dir: string, shas: string[]): Promise<Set<string>> {
  const out = await gitBytes(dir, ['cat-file', '--batch-check'], {
    input: `${shas.join('\n')}\n`,
    env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
  });
  return new Set(
    out
      .toString('utf8')
      .split('\n')
      .filter((line) => line.endsWith(' missing'))
      .map((line) => line.split(' ')[0]!),
  );
}

/** The checked-out branch, or `detached`. */
export async function headBranch(dir: string, detached: string): Promise<string> {
  try {
    return (await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || detached;
  } catch {
    return detached;
  }
}
