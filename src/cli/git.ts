import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CliError, UsageError } from './errors';

function git(cwd: string, args: string[], allowExitCodes: number[] = [0]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('git', args, { cwd, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number | string }).code ?? 1) : 0;
      if (typeof code === 'string')
        return reject(new CliError(code === 'ENOENT' ? 'git is not installed or not on PATH.' : `git failed: ${code}`));
      if (!allowExitCodes.includes(code))
        return reject(new CliError(`git ${args[0]} failed: ${stderr.trim() || stdout.trim()}`));
      resolvePromise(stdout);
    });
  });
}

export interface WorkingTree {
  root: string;
  workspace: string;
  branch: string;
  head?: string;
}

export async function readWorkingTree(cwd: string): Promise<WorkingTree> {
  const root = (
    await git(cwd, ['rev-parse', '--show-toplevel']).catch(() => {
      throw new UsageError(`${cwd} is not inside a git working tree.`);
    })
  ).trim();
  const branch = (await git(root, ['rev-parse', '--abbrev-ref', 'HEAD'], [0, 128])).trim() || 'HEAD';
  const head = (await git(root, ['rev-parse', '--verify', '-q', 'HEAD'], [0, 1])).trim() || undefined;
  return { root, workspace: basename(root), branch: branch === 'HEAD' && !head ? 'unborn' : branch, head };
}

/** The path of `file` relative to the working tree root, refusing files outside it. */
export function workspacePath(tree: WorkingTree, cwd: string, file: string): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(tree.root, absolute);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new UsageError(`${file} is outside the working tree ${tree.root}.`);
  return rel.split('\\').join('/');
}

/**
 * Refuse a path that is not a file of the working tree: one that exists as a file, or a tracked file that was
 * deleted (its diff is the deletion). A typo or a directory is a usage error, not an empty session.
 */
export async function requireWorkingFile(tree: WorkingTree, path: string): Promise<void> {
  const isFile = await stat(join(tree.root, path)).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) return;
  // A directory lists the tracked files under it: only the path itself counts.
  const tracked = (await git(tree.root, ['ls-files', '-z', '--', path])).split('\0').includes(path);
  if (!tracked) throw new UsageError(`${path} is not a file in the working tree ${tree.root}.`);
}

/** Whether git ignores `path` (.gitignore, info/exclude): such a file is never the one being worked on. */
export async function isIgnored(tree: WorkingTree, path: string): Promise<boolean> {
  return (await git(tree.root, ['check-ignore', '--', path], [0, 1])).trim() !== '';
}

/** Add these patterns to the repository's own exclude file (never committed), once each. */
export async function excludeLocally(tree: WorkingTree, patterns: string[]): Promise<void> {
  const file = resolve(tree.root, (await git(tree.root, ['rev-parse', '--git-path', 'info/exclude'])).trim());
  const present = new Set((await readFile(file, 'utf8').catch(() => '')).split('\n').map((line) => line.trim()));
  const missing = patterns.filter((pattern) => !present.has(pattern));
  if (!missing.length) return;
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${missing.join('\n')}\n`);
}

/** The file's diff against HEAD (or against nothing when it is new and untracked). */
export async function fileDiff(tree: WorkingTree, file: string): Promise<string> {
  const tracked = (await git(tree.root, ['ls-files', '--error-unmatch', '--', file], [0, 1])).trim() !== '';
  if (tracked)
    return tree.head
      ? git(tree.root, ['diff', '--no-color', 'HEAD', '--', file])
      : git(tree.root, ['diff', '--no-color', '--cached', '--', file]);
  // Exit code 1 means "there are differences" for --no-index.
  return git(tree.root, ['diff', '--no-color', '--no-index', '--', '/dev/null', file], [0, 1]);
}

/** Files changed in the working tree, most recently first is not knowable from git; callers pick. */
export async function changedFiles(tree: WorkingTree): Promise<string[]> {
  const out = await git(tree.root, ['status', '--porcelain', '-z', '--untracked-files=all']);
  return out
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3));
}

/** Cut a diff at a line boundary so it fits `maxBytes` of UTF-8. */
export function limitDiff(diff: string, maxBytes: number): { diff: string; truncated: boolean } {
  const encoder = new TextEncoder();
  if (encoder.encode(diff).length <= maxBytes) return { diff, truncated: false };
  let kept = '';
  let bytes = 0;
  for (const line of diff.split('\n')) {
    const size = encoder.encode(line + '\n').length;
    if (bytes + size > maxBytes) break;
    kept += line + '\n';
    bytes += size;
  }
  return { diff: kept, truncated: true };
}
