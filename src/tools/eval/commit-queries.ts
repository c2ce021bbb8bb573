import { execFileSync } from 'node:child_process';
import { skipReasonFor } from '../../code-index/pipeline/filter';
import { IgnoreRules } from '../../code-index/pipeline/ignore';

/** One evaluation question: what a commit subject asks, and the files that answer it. */
export interface QueryCase {
  query: string;
  relevant: string[];
  /** The commit the question was taken from (absent in hand-written sets). */
  commit?: string;
}

const SUBJECT = /^(fix|feat|perf)(?:\(([^)]*)\))?!?:\s*(.+)$/i;

const SOURCE_EXTENSIONS = new Set([
  'ts',
  'tsx',
  'mts',
  'cts',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'vue',
  'svelte',
  'py',
  'go',
  'rs',
  'java',
  'kt',
  'rb',
  'php',
  'cs',
  'c',
  'h',
  'cc',
  'cpp',
  'hpp',
  'swift',
  'scala',
]);

const TEST_PATH =
  /(^|\/)(__tests__|__test__|__mocks__|tests?|test-dts|specs?|e2e|testdata|fixtures?|__fixtures__|benchmarks?|examples?|docs?|playground)\/|\.(test|spec|bench)(-d)?\.[a-z]+$|_test\.go$|(^|\/)test_[^/]+\.py$/i;

/** A file a query may name as relevant: source code, not a test, bench, fixture, example or docs. */
export function isEvaluableSource(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > 0 && SOURCE_EXTENSIONS.has(path.slice(dot + 1).toLowerCase()) && !TEST_PATH.test(path);
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
 * Questions from a repository's own history: the subject of each conventional `fix|feat|perf`
 * commit (at least `minWords` words after the prefix) is the query; the 1-3 non-test source files
 * it changed that still exist at the evaluated commit (and that the index would hold) are the
 * answers. Newest first, at most `maxQueries`; merges and commits touching more files are left out.
 */
export function deriveCommitQueries(repoDir: string, options: DeriveOptions = {}): QueryCase[] {
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

  // One pass over history: commit header lines, then the files each changed (first parent only).
  const log = git(repoDir, ['log', '--no-merges', '--format=%x00%H%x09%s', '--name-only', commit]);
  const out: QueryCase[] = [];
  const seen = new Set<string>();
  for (const record of log.split('\0')) {
    if (out.length >= maxQueries) break;
    const [header, ...rest] = record.split('\n');
    const tab = header?.indexOf('\t') ?? -1;
    if (!header || tab < 0) continue;
    const sha = header.slice(0, tab);
    const match = SUBJECT.exec(header.slice(tab + 1).trim());
    if (!match) continue;
    const query = match[3]!.replace(/(\s*\(#\d+\))+\s*$/, '').trim();
    if (query.split(/\s+/).filter(Boolean).length < minWords || seen.has(query.toLowerCase())) continue;
    const changed = rest.map((line) => line.trim()).filter(Boolean);
    const sources = changed.filter(isEvaluableSource);
    if (!sources.length || sources.length > maxRelevant) continue;
    const relevant = sources.filter(indexable);
    if (!relevant.length) continue;
    seen.add(query.toLowerCase());
    out.push({ query, relevant, commit: sha.slice(0, 12) });
  }
  return out;
}
