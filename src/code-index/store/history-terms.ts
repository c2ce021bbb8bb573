import { codeTokens } from '../ranking/tokens';
import { isProse, pathRole } from '../ranking/path-prior';

/**
 * Per word of the walked commit subjects (the empty term: the commit totals): `docs` counts the
 * commits that changed only prose files, `code` every other commit (as before tests were counted,
 * so the docs lean reads the same numbers), `tests` those of the `code` commits that changed only
 * test files (a subset of `code`: the tests lean sets them against `code - tests`).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL, code INTEGER NOT NULL, tests INTEGER NOT NULL DEFAULT 0);
`;

/** Commits of each kind the history needs before it says what a question asks for. */
const MIN_KIND_COMMITS = 20;

/** A question's words the lean reads (the first ones, deduplicated). */
const LEAN_TERMS = 24;

/** Commits read per step when an older index counts its tests commits. */
const RECOUNT_PAGE = 500;

export type CommitKind = 'docs' | 'tests' | 'code';

/** What a commit's changed files make it: only prose is docs, else only tests (pathRole) is tests, else code. */
export function commitKind(paths: string[]): CommitKind {
  if (paths.every((path) => isProse(path))) return 'docs';
  return paths.every((path) => pathRole(path) === 'test') ? 'tests' : 'code';
}

function subjectTerms(subject: string): string[] {
  return ['', ...new Set(codeTokens(subject, { dropStopwords: true }))];
}

/**
 * Which words the repository uses for documentation work and for test work, learned from its
 * commit subjects by what the commits changed; a question's lean is a naive Bayes over them.
 */
export class HistoryTerms {
  constructor(private readonly sql: SqlStorage) {
    const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('history_terms')").toArray();
    sql.exec(SCHEMA);
    // An object whose terms were counted before tests were: its walked commits are counted again once.
    if (columns.length && !columns.some((column) => column.name === 'tests')) {
      sql.exec('ALTER TABLE history_terms ADD COLUMN tests INTEGER NOT NULL DEFAULT 0');
      this.recountTests();
    }
  }

  /** Count one walked commit's subject words under its kind. */
  learn(subject: string, paths: string[]): void {
    if (!paths.length) return;
    const kind = commitKind(paths);
    const docs = kind === 'docs' ? 1 : 0;
    const tests = kind === 'tests' ? 1 : 0;
    for (const term of subjectTerms(subject))
      this.sql.exec(
        `INSERT INTO history_terms (term, docs, code, tests) VALUES (?, ?, ?, ?)
         ON CONFLICT(term) DO UPDATE SET docs = docs + excluded.docs, code = code + excluded.code, tests = tests + excluded.tests`,
        term,
        docs,
        1 - docs,
        tests,
      );
  }

  clear(): void {
    this.sql.exec('DELETE FROM history_terms');
  }

  /** Log-odds that a question sounds like the docs commits rather than the others (null: too few of either). */
  docsLean(question: string): number | null {
    return this.leans(question, { docs: true, tests: false }).docsLean;
  }

  /** Log-odds that a question sounds like the tests commits rather than the other code commits (null: too few of either). */
  testsLean(question: string): number | null {
    return this.leans(question, { docs: false, tests: true }).testsLean;
  }

  /** The leans asked for, read from one lookup of the question's words (a search wants both). */
  leans(
    question: string,
    wanted: { docs: boolean; tests: boolean },
  ): { docsLean: number | null; testsLean: number | null } {
    if (!wanted.docs && !wanted.tests) return { docsLean: null, testsLean: null };
    const terms = [...new Set(codeTokens(question, { dropStopwords: true }))].slice(0, LEAN_TERMS);
    const rows = this.sql
      .exec<TermRow>(
        `SELECT term, docs, code, tests FROM history_terms WHERE term IN (${['', ...terms].map(() => '?').join(',')})`,
        '',
        ...terms,
      )
      .toArray();
    return {
      docsLean: wanted.docs ? lean(rows, (row) => [row.docs, row.code]) : null,
      testsLean: wanted.tests ? lean(rows, (row) => [row.tests, row.code - row.tests]) : null,
    };
  }

  /**
   * The tests counts of an object walked before they existed, from its past commits (PastCommits:
   * each walked commit with a subject, its current paths), a page at a time; no commit is asked for
   * again. A term the commit counted as code gets at most that many tests commits.
   */
  private recountTests(): void {
    const counts = new Map<string, number>();
    for (let after = -1; ; ) {
      const rows = this.sql
        .exec<{ id: number; subject: string; paths: string }>(
          `SELECT r.id AS id, t.subject AS subject,
             (SELECT json_group_array(f.path) FROM history_commit_files f WHERE f.id = r.id) AS paths
           FROM history_commit_rows r JOIN history_commit_fts t ON t.rowid = r.id
           WHERE r.id > ? ORDER BY r.id LIMIT ?`,
          after,
          RECOUNT_PAGE,
        )
        .toArray();
      if (!rows.length) break;
      for (const row of rows) {
        const paths = JSON.parse(row.paths) as string[];
        if (!paths.length || commitKind(paths) !== 'tests') continue;
        // The row holds the subject, then its identifiers' parts (PastCommits.add): the subject is the first line.
        for (const term of subjectTerms(row.subject.split('\n')[0]!)) counts.set(term, (counts.get(term) ?? 0) + 1);
      }
      after = rows[rows.length - 1]!.id;
    }
    for (const [term, n] of counts)
      this.sql.exec('UPDATE history_terms SET tests = min(code, ?) WHERE term = ?', n, term);
  }
}

type TermRow = { term: string; docs: number; code: number; tests: number };

/** The naive Bayes log-odds (prior included) of the `yes` commits against the `no` commits over the question's rows. */
function lean(rows: TermRow[], sides: (row: TermRow) => [yes: number, no: number]): number | null {
  const total = rows.find((row) => row.term === '');
  if (!total) return null;
  const [yes, no] = sides(total);
  if (yes < MIN_KIND_COMMITS || no < MIN_KIND_COMMITS) return null;
  let lean = Math.log(yes / no);
  for (const row of rows) {
    if (!row.term) continue;
    const [termYes, termNo] = sides(row);
    // A word of neither side (a docs commit's word, for the tests lean) says nothing either way.
    if (termYes + termNo === 0) continue;
    lean += Math.log((termYes + 0.5) / (yes + 1)) - Math.log((termNo + 0.5) / (no + 1));
  }
  return lean;
}
