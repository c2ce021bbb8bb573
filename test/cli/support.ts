import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
}

/** Run the CLI in this process with captured output; long-running commands stop with `stop()`. */
export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  const code = main(args, { out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')), env: options.env, cwd: options.cwd, signal: controller.signal });
  return {
    out,
    err,
    code,
    stop: () => {
      controller.abort();
      return code;
    },
    async waitForLine(pattern, stream = 'out') {
      const lines = stream === 'out' ? out : err;
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = lines.find((line) => pattern.test(line));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${stream} line matched ${pattern}; stdout: ${JSON.stringify(out)} stderr: ${JSON.stringify(err)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Run the real executable, as `npx hezlep` would. */
export function runBin(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<{ code: number; stdout: string; stderr: string }> {
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
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args], { cwd: dir });
  execFileSync('mkdir', ['-p', join(dir, 'src')]);
  git('init', '-q');
  await writeFile(join(dir, 'src', 'refund.ts'), 'export const a = 1;\nexport const b = 2;\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  git('checkout', '-q', '-b', 'feature/refunds');
  return dir;
}
