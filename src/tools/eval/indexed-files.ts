import { execFileSync } from 'node:child_process';
import { decodeText, looksGenerated, skipReasonFor } from '../../code-index/pipeline/filter';
import { IgnoreRules } from '../../code-index/pipeline/ignore';
import { redactSecrets } from '../../redaction/secrets';

/**
 * The files the index holds at a commit, with their text, decided by the pipeline's own rules
 * (path filters, size, binary and generated checks, redaction), read from the local git
 * repository. Blobs absent from the object store (large files left out of a snapshot) are
 * skipped, as the GitHub stand-in leaves them out of the tree it serves.
 */
export function indexedFiles(
  repoDir: string,
  commit: string,
  maxFileBytes = 256 * 1024,
): { path: string; text: string }[] {
  const entries: { path: string; sha: string; size: number }[] = [];
  for (const line of execFileSync('git', ['-c', 'core.quotePath=false', '-C', repoDir, 'ls-tree', '-r', '-l', commit], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  }).split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [, type, sha, size] = line.slice(0, tab).trim().split(/\s+/);
    if (type === 'blob') entries.push({ path: line.slice(tab + 1), sha: sha!, size: Number(size) || 0 });
  }
  const ignoreEntry = entries.find((entry) => entry.path === '.hezlepignore');
  const blobs = readBlobs(repoDir, ignoreEntry ? [ignoreEntry.sha] : []);
  const ignore = new IgnoreRules(
    ignoreEntry && blobs.get(ignoreEntry.sha) ? blobs.get(ignoreEntry.sha)!.toString('utf8') : '',
  );
  const wanted = entries.filter((entry) => skipReasonFor(entry.path, entry.size, { maxFileBytes, ignore }) === null);
  const contents = readBlobs(
    repoDir,
    wanted.map((entry) => entry.sha),
  );
  const out: { path: string; text: string }[] = [];
  for (const entry of wanted) {
    const bytes = contents.get(entry.sha);
    if (!bytes || bytes.length > maxFileBytes) continue;
    const text = decodeText(new Uint8Array(bytes));
    if (text === null || looksGenerated(text)) continue;
    out.push({ path: entry.path, text: redactSecrets(text).text });
  }
  return out;
}

/** Blob contents by id through one `git cat-file --batch`; missing objects are left out. */
export function readBlobs(repoDir: string, shas: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!shas.length) return out;
  const data = execFileSync('git', ['-C', repoDir, 'cat-file', '--batch'], {
    input: `${[...new Set(shas)].join('\n')}\n`,
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
  });
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf(10, at);
    if (eol < 0) break;
    const header = data.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    out.set(header[0]!, data.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}
