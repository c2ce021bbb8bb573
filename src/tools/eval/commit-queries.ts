import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { skipReasonFor } from '../../code-index/pipeline/filter';
import { IgnoreRules } from '../../code-index/pipeline/ignore';
import { isCodeFile, questionFromSubject } from './subjects';

/** One evaluation question: what a commit subject asks, and the files that answer it. */
export interface QueryCase {
  query: string;
  relevant: string[];
  /** The commit the question was taken from (absent in hand-written sets). */
  commit?: string;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-c', 'core.quotePath=false', '-C', dir, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

export interface DeriveOptions {
  /** The commit evaluated (default HEAD); history is read from it backwards. */
  commit?: string;
  maxQueries?: number;
  minWords?: number;
  maxRelevant?: number;
  maxFileBytes?: number;
}

/**
 * Questions from a repository's own history: each commit subject that `questionFromSubject` accepts
 * (plain or conventional, at least `minWords` words; releases, version and dependency bumps, typos,
 * CI, chores, docs and tests left out) is the query; the 1-3 code files it changed (`isCodeFile`)
 * that still exist at the evaluated commit and that the index would hold are the answers. Newest
 * first, at most `maxQueries`; merges and commits touching more code files are left out. git's log
 * is read as a stream and stopped once enough questions are found, so any history size works.
 */
export async function deriveCommitQueries(repoDir: string, options: DeriveOptions = {}): Promise<QueryCase[]> {
  const commit = options.commit ?? 'HEAD';
  const maxQueries = options.maxQueries ?? 150;
  const minWords = options.minWords ?? 4;
  const maxRelevant = options.maxRelevant ?? 3;
  const maxFileBytes = options.maxFileBytes ?? 256 * 1024;
  const sizes = new Map<string, number>();
  for (const line of git(repoDir, ['ls-tree', '-r', '-l', commit]).split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const size = Number(line.slice(0, tab).trim().split(/\s+/)[3]);
    sizes.set(line.slice(tab + 1), Number.isFinite(size) ? size : 0);
  }
  let ignoreText = '';
  if (sizes.has('.hezlepignore')) ignoreText = git(repoDir, ['show', `${commit}:.hezlepignore`]);
  const filter = { maxFileBytes, ignore: new IgnoreRules(ignoreText) };
  const indexable = (path: string) => sizes.has(path) && skipReasonFor(path, sizes.get(path)!, filter) === null;

  const out: QueryCase[] = [];
  const seen = new Set<string>();
  const take = (sha: string, subject: string, changed: string[]) => {
    const verdict = questionFromSubject(subject, minWords);
    if (!('question' in verdict)) return;
    const query = verdict.question;
    if (seen.has(query.toLowerCase())) return;
    const sources = changed.filter(isCodeFile);
    if (!sources.length || sources.length > maxRelevant) return;
    const relevant = sources.filter(indexable);
    if (!relevant.length) return;
    seen.add(query.toLowerCase());
    out.push({ query, relevant, commit: sha.slice(0, 12) });
  };
  // One pass over history, streamed: a header line per commit (NUL, sha, tab, subject), then the files it changed.
  const child = spawn(
    'git',
    ['-c', 'core.quotePath=false', '-C', repoDir, 'log', '--no-merges', '--format=%x00%H%x09%s', '--name-only', commit],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  let current: { sha: string; subject: string; changed: string[] } | null = null;
  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.startsWith('\0')) {
      if (current) take(current.sha, current.subject, current.changed);
      if (out.length >= maxQueries) break;
      const tab = line.indexOf('\t');
      current = tab < 0 ? null : { sha: line.slice(1, tab), subject: line.slice(tab + 1), changed: [] };
    } else if (current && line.trim()) current.changed.push(line.trim());
  }
  if (current && out.length < maxQueries) take(current.sha, current.subject, current.changed);
  const stopped = out.length >= maxQueries;
  lines.close();
  if (child.exitCode === null) child.kill();
  const code = await exited;
  if (!stopped && code !== 0) throw new Error(`git log failed (${code}): ${stderr.trim()}`);
  return out.slice(0, maxQueries);
}
