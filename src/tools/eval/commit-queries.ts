import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { skipReasonFor } from '../../code-index/pipeline/filter';
import { IgnoreRules } from '../../code-index/pipeline/ignore';
import { type PathRole, pathRole } from '../../code-index/ranking/path-prior';
import { isCodeFile, type QuestionKind, questionFromSubject } from './subjects';

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
  /** At most this many docs questions, and as many tests questions (50). */
  maxRoleQuestions?: number;
  minWords?: number;
  maxRelevant?: number;
  maxFileBytes?: number;
}

/** The question sets of one repository, each newest first. */
export type QuestionSets = Record<QuestionKind, QueryCase[]>;

/** The role (`pathRole`) every changed file of a role question has. */
export const ROLE_OF_KIND: Record<Exclude<QuestionKind, 'code'>, PathRole> = { docs: 'docs', tests: 'test' };

/** The code questions of `deriveQuestionSets` (eval:commits; a fixed set has no role questions). */
export async function deriveCommitQueries(repoDir: string, options: DeriveOptions = {}): Promise<QueryCase[]> {
  return (await deriveQuestionSets(repoDir, options)).code;
}

/**
 * Questions from a repository's own history: each commit subject that `questionFromSubject` accepts
 * (plain or conventional, at least `minWords` words; releases, version and dependency bumps, typos,
 * CI, chores, docs and tests left out) is the query; the 1-3 code files it changed (`isCodeFile`)
 * that still exist at the evaluated commit and that the index would hold are the answers. Newest
 * first, at most `maxQueries`; merges and commits touching more code files are left out. git's log
 * is read as a stream and stopped once enough questions are found, so any history size works.
 *
 * The same walk gives the role questions: a commit that is not a code question and whose 1-3
 * changed files all have the path prior's role docs (or test) is a docs (tests) question, its
 * subject accepted as above except that the types docs/doc (test/tests) are kept; its answers are
 * those files the index would hold. At most `maxRoleQuestions` of each, newest first, from the
 * commits walked for the code questions (the walk stops where it always did, so the oldest code
 * question stays the time split's cut-off unless the walk reached the first commit).
 */
export async function deriveQuestionSets(repoDir: string, options: DeriveOptions = {}): Promise<QuestionSets> {
  const commit = options.commit ?? 'HEAD';
  const maxQueries = options.maxQueries ?? 150;
  const maxRoleQuestions = options.maxRoleQuestions ?? 50;
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
  const roles: QuestionSets = { code: out, docs: [], tests: [] };
  // Repeated subjects are left out within a set; each set keeps its own, so the code set is what it was.
  const seen: Record<QuestionKind, Set<string>> = { code: new Set(), docs: new Set(), tests: new Set() };
  const takeCode = (sha: string, subject: string, changed: string[]): boolean => {
    const verdict = questionFromSubject(subject, minWords);
    if (!('question' in verdict)) return false;
    const query = verdict.question;
    if (seen.code.has(query.toLowerCase())) return false;
    const sources = changed.filter(isCodeFile);
    if (!sources.length || sources.length > maxRelevant) return false;
    const relevant = sources.filter(indexable);
    if (!relevant.length) return false;
    seen.code.add(query.toLowerCase());
    out.push({ query, relevant, commit: sha.slice(0, 12) });
    return true;
  };
  const takeRole = (kind: keyof typeof ROLE_OF_KIND, sha: string, subject: string, changed: string[]) => {
    if (roles[kind].length >= maxRoleQuestions || !changed.length || changed.length > maxRelevant) return;
    if (!changed.every((path) => pathRole(path) === ROLE_OF_KIND[kind])) return;
    const verdict = questionFromSubject(subject, minWords, kind);
    if (!('question' in verdict) || seen[kind].has(verdict.question.toLowerCase())) return;
    const relevant = changed.filter(indexable);
    if (!relevant.length) return;
    seen[kind].add(verdict.question.toLowerCase());
    roles[kind].push({ query: verdict.question, relevant, commit: sha.slice(0, 12) });
  };
  const take = (sha: string, subject: string, changed: string[]) => {
    if (takeCode(sha, subject, changed)) return;
    takeRole('docs', sha, subject, changed);
    takeRole('tests', sha, subject, changed);
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
  return { code: out.slice(0, maxQueries), docs: roles.docs, tests: roles.tests };
}
