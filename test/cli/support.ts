import { execFileSync, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main';

export const BIN = fileURLToPath(new URL('../../src/cli/bin.mjs', import.meta.url));

export interface Captured {
  out: string[];
  err: string[];
  code: Promise<number>;
  stop(): Promise<number>;
  /** Wait for a stdout (or stderr) line matching. */
  waitForLine(pattern: RegExp, stream?: 'out' | 'err'): Promise<string>;
  /** Wait until `count` stdout (or stderr) lines match; returns them. */
  waitForLines(pattern: RegExp, count: number, stream?: 'out' | 'err'): Promise<string[]>;
}

/** How long a wait for output may take before it fails with what was printed (a bound, not a timing assertion). */
const OUTPUT_WAIT_MS = 20_000;

/** Run the CLI in this process with captured output; long-running commands stop with `stop()`. */
export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  // Woken on every line printed, so a wait ends as soon as its line arrives.
  const waiters = new Set<() => void>();
  const print = (lines: string[]) => (text: string) => {
    lines.push(...text.split('\n'));
    for (const wake of [...waiters]) wake();
  };
  const code = main(args, {
    out: print(out),
    err: print(err),
    env: options.env,
    cwd: options.cwd,
    signal: controller.signal,
  });
  const waitFor = <T>(stream: 'out' | 'err', check: (lines: string[]) => T | undefined, what: string): Promise<T> => {
    const lines = stream === 'out' ? out : err;
    return new Promise<T>((resolve, reject) => {
      const wake = () => {
        const found = check(lines);
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`${what} on ${stream}; stdout: ${JSON.stringify(out)} stderr: ${JSON.stringify(err)}`));
      }, OUTPUT_WAIT_MS);
      waiters.add(wake);
      wake();
    });
  };
  return {
    out,
    err,
    code,
    stop: () => {
      controller.abort();
      return code;
    },
    waitForLine(pattern, stream = 'out') {
      return waitFor(stream, (lines) => lines.find((line) => pattern.test(line)), `no line matched ${pattern}`);
    },
    waitForLines(pattern, count, stream = 'out') {
      const matching = (lines: string[]) => {
        const found = lines.filter((line) => pattern.test(line));
        return found.length >= count ? found : undefined;
      };
      return waitFor(stream, matching, `fewer than ${count} lines matched ${pattern}`);
    },
  };
}

/**
 * Wait until the file at `path` has content that `done` accepts, woken by changes in its directory
 * (which must exist); fails with the last content after OUTPUT_WAIT_MS.
 */
export function waitForFile(path: string, done: (text: string) => boolean): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let last = '';
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve(last);
    };
    const check = async () => {
      last = await readFile(path, 'utf8').catch(() => '');
      if (done(last)) finish();
    };
    const watcher = watch(dirname(path), () => void check());
    const timer = setTimeout(
      () => finish(new Error(`${path} never reached the expected content; last: ${JSON.stringify(last)}`)),
      OUTPUT_WAIT_MS,
    );
    void check();
  });
}

/** Run the real executable, as `npx hezlep` would. */
export function runBin(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A throwaway git repository with one commit. */
export async function gitRepo(name = 'shop'): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'hezlep-cli-')), name);
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.email=t@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args],
      { cwd: dir },
    );
  execFileSync('mkdir', ['-p', join(dir, 'src')]);
  git('init', '-q');
  await writeFile(join(dir, 'src', 'refund.ts'), 'export const a = 1;\nexport const b = 2;\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  git('checkout', '-q', '-b', 'feature/refunds');
  return dir;
}
