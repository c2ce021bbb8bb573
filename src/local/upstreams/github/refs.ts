import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The branch name a detached HEAD is served under. */
export const DETACHED = 'detached';

/**
 * Branch heads read from a repository's files instead of a `git` process: the stand-in answers
 * a branch lookup on every search (the freshness check), and each synchronous `git` it spawns
 * stalls the whole Node process serving the Worker (tens of ms on a loaded machine). Reads the
 * same files git does, every time (no cache, so a commit is seen at once); `undefined` means
 * "ask git" (a worktree's `.git` file, a ref format this does not read).
 */
export function readRef(dir: string, ref: string): string | null | undefined {
  const gitDir = gitDirOf(dir);
  if (!gitDir) return undefined;
  for (let depth = 0; depth < 5; depth++) {
    const loose = readText(join(gitDir, ref));
    if (loose !== null) {
      if (/^[0-9a-f]{40}$/.test(loose)) return loose;
      const target = /^ref: (refs\/\S+)$/.exec(loose)?.[1];
      if (!target) return undefined;
      ref = target;
      continue;
    }
    if (!ref.startsWith('refs/')) return null;
    const packed = readText(join(gitDir, 'packed-refs'));
    if (packed === null) return null;
    for (const line of packed.split('\n')) {
      if (line.endsWith(` ${ref}`) && /^[0-9a-f]{40} /.test(line)) return line.slice(0, 40);
    }
    return null;
  }
  return undefined;
}

/**
 * A branch's commit, from the ref files when they can be read (no git process), else from git;
 * `DETACHED` names a detached HEAD (a checkout of a tag or commit) unless a real branch has that name.
 */
export function branchSha(
  dir: string,
  branch: string,
  git: { resolve(dir: string, ref: string): string | null; headBranch(dir: string): string },
): string | null {
  const read = readRef(dir, `refs/heads/${branch}`);
  if (read) return read;
  if (read === null && branch !== DETACHED) return null;
  if (read === undefined) {
    const sha = git.resolve(dir, `refs/heads/${branch}`);
    if (sha || branch !== DETACHED) return sha;
  }
  const head = readHeadBranch(dir);
  if (head === undefined) return git.headBranch(dir) === DETACHED ? git.resolve(dir, 'HEAD') : null;
  return head === null ? (readRef(dir, 'HEAD') ?? git.resolve(dir, 'HEAD')) : null;
}

/** The branch HEAD points at, or null when it is detached; `undefined`: ask git. */
export function readHeadBranch(dir: string): string | null | undefined {
  const gitDir = gitDirOf(dir);
  const head = gitDir ? readText(join(gitDir, 'HEAD')) : null;
  if (head === null) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return null;
  return /^ref: refs\/heads\/(\S+)$/.exec(head)?.[1] ?? undefined;
}

/** `<dir>/.git` when it is a directory, `<dir>` when it is a bare repository, else null. */
function gitDirOf(dir: string): string | null {
  for (const candidate of [join(dir, '.git'), dir]) {
    try {
      if (statSync(candidate).isDirectory() && statSync(join(candidate, 'HEAD')).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}
