import type { FileCandidate } from '../ranking/files';
import { expandIdentifiers } from '../ranking/tokens';
import { boundedTopByBm25, MATCH_CAP } from './bounded-match';
import { HistoryTerms } from './history-terms';
import { PastCommits, type VoteSpec } from './past-commits';
import { fileEntryFilters, type SearchFilters } from './search-filters';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_commits (sha TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history_entries (path TEXT NOT NULL, at TEXT NOT NULL, sha TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (path, sha));
CREATE INDEX IF NOT EXISTS history_entries_by_date ON history_entries (path, at);
CREATE TABLE IF NOT EXISTS history_files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS history_renames (old TEXT PRIMARY KEY, current TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS history_fts USING fts5(subjects, tokenize = 'porter unicode61');
`;

/** Subjects kept per file, newest first: enough to say what a file is for, bounded whatever its age. */
export const HISTORY_PER_FILE = 20;

/**
 * Where the history walk stands. `newest` is the latest branch head whose history is walked or
 * queued; each walk lists the commits reachable from `from`, page by page, until it meets `stopAt`
 * (the head walked before), the end of history, or the commit budget of a first backfill.
 */
export interface HistoryState {
  /** The cut-off the history was read under (evaluation only): a different one starts over. */
  until: string | null;
  newest: string | null;
  walks: { from: string; page: number; stopAt: string | null }[];
}

const EMPTY: HistoryState = { until: null, newest: null, walks: [] };

/**
 * The history field: for each file, the subjects (or pull-request titles) of the commits that
 * changed it, newest first and at most HISTORY_PER_FILE, searchable as one FTS5 row per file.
 * Commits already walked are remembered, so a walk never asks for a commit's files twice.
 */
export class FileHistory {
  /** Each walked commit as its own searchable row (the similar-past-commits signal). */
  private readonly past: PastCommits;
  /** Which words the docs and tests commits use (what a question asks for). */
  private readonly terms: HistoryTerms;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    this.past = new PastCommits(sql);
    // After the past commits: an older object's tests counts are recounted from them.
    this.terms = new HistoryTerms(sql);
  }

  state(): HistoryState {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'history'").toArray()[0];
    return row ? { ...EMPTY, ...(JSON.parse(row.value) as HistoryState) } : { ...EMPTY, walks: [] };
  }

  saveState(state: HistoryState): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('history', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      JSON.stringify(state),
    );
  }

  /** Forget everything (a new cut-off). */
  clear(): void {
    for (const table of ['history_commits', 'history_entries', 'history_files', 'history_renames', 'history_fts'])
      this.sql.exec(`DELETE FROM ${table}`);
    this.past.clear();
    this.terms.clear();
    this.saveState({ ...EMPTY, walks: [] });
  }

  walked(sha: string): boolean {
    return this.sql.exec('SELECT 1 FROM history_commits WHERE sha = ?', sha).toArray().length > 0;
  }

  counts(): { commits: number; files: number } {
    const commits = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM history_commits').one().n;
    const files = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM history_files').one().n;
    return { commits, files };
  }

  /** The path a file has now, following renames learned from newer commits. */
  private current(path: string): string {
    let at = path;
    for (let hops = 0; hops < 20; hops++) {
      const next = this.sql
        .exec<{ current: string }>('SELECT current FROM history_renames WHERE old = ?', at)
        .toArray()[0];
      if (!next || next.current === at) break;
      at = next.current;
    }
    return at;
  }

  /**
   * Record one commit: its subject joins the field of every file it changed (renamed files keep
   * their older history under the new path, also when the commit has no subject to give). Returns the paths whose field changed.
   */
  record(
    commit: { sha: string; date: string },
    subject: string | null,
    files: { path: string; previousPath?: string }[],
    forward: boolean,
  ): string[] {
    this.sql.exec('INSERT OR IGNORE INTO history_commits (sha, at) VALUES (?, ?)', commit.sha, commit.date);
    if (subject)
      this.terms.learn(
        subject,
        files.map((file) => file.path),
      );
    const touched = new Set<string>();
    const paths: string[] = [];
    for (const file of files) {
      const path = this.current(file.path);
      if (file.previousPath && file.previousPath !== file.path) {
        this.sql.exec(
          'INSERT INTO history_renames (old, current) VALUES (?, ?) ON CONFLICT(old) DO UPDATE SET current = excluded.current',
          file.previousPath,
          path,
        );
        // Walking forward, the renamed file's earlier subjects move to its new path.
        if (forward) {
          this.sql.exec('UPDATE OR IGNORE history_entries SET path = ? WHERE path = ?', path, file.previousPath);
          this.sql.exec('DELETE FROM history_entries WHERE path = ?', file.previousPath);
          touched.add(file.previousPath);
          touched.add(path);
        }
      }
      // A commit without a subject (one that changed too many files: a move) still says where files moved.
      if (!subject) continue;
      this.sql.exec(
        'INSERT OR IGNORE INTO history_entries (path, at, sha, subject) VALUES (?, ?, ?, ?)',
        path,
        commit.date,
        commit.sha,
        subject,
      );
      this.sql.exec(
        `DELETE FROM history_entries WHERE path = ? AND sha IN (
           SELECT sha FROM history_entries WHERE path = ? ORDER BY at DESC, sha LIMIT -1 OFFSET ?)`,
        path,
        path,
        HISTORY_PER_FILE,
      );
      touched.add(path);
      paths.push(path);
    }
    if (subject) this.past.add(commit.sha, subject, paths);
    return [...touched];
  }

  /**
   * How much a question sounds like the repository's documentation commits (only prose files
   * changed) rather than its other commits: a naive Bayes log-odds over their subjects' words, or
   * null when the history holds too few of either (HistoryTerms).
   */
  docsLean(question: string): number | null {
    return this.terms.docsLean(question);
  }

  /** The same for the tests commits (only test files changed) against the other code commits. */
  testsLean(question: string): number | null {
    return this.terms.testsLean(question);
  }

  /** Both leans, as wanted, from one lookup of the question's words (what a search asks). */
  leans(
    question: string,
    wanted: { docs: boolean; tests: boolean },
  ): { docsLean: number | null; testsLean: number | null } {
    return this.terms.leans(question, wanted);
  }

  /** Rewrite the searchable row of these files from their kept subjects. */
  refresh(paths: Iterable<string>): void {
    for (const path of paths) {
      const subjects = this.of(path, HISTORY_PER_FILE);
      const id = this.sql.exec<{ id: number }>('SELECT id FROM history_files WHERE path = ?', path).toArray()[0]?.id;
      if (id !== undefined) this.sql.exec('DELETE FROM history_fts WHERE rowid = ?', id);
      if (!subjects.length) {
        this.sql.exec('DELETE FROM history_files WHERE path = ?', path);
        continue;
      }
      const rowId =
        id ?? this.sql.exec<{ id: number }>('INSERT INTO history_files (path) VALUES (?) RETURNING id', path).one().id;
      const text = subjects.join('\n');
      this.sql.exec(
        'INSERT INTO history_fts (rowid, subjects) VALUES (?, ?)',
        rowId,
        `${text}\n${expandIdentifiers(text)}`,
      );
    }
  }

  /** A file's kept subjects, newest first. */
  of(path: string, limit: number): string[] {
    return this.sql
      .exec<{ subject: string }>(
        'SELECT subject FROM history_entries WHERE path = ? ORDER BY at DESC, sha LIMIT ?',
        path,
        limit,
      )
      .toArray()
      .map((row) => row.subject);
  }

  /** The newest subjects of each of these files (files without history are left out). */
  recent(paths: string[], limit: number): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const path of new Set(paths)) {
      const subjects = this.of(path, limit);
      if (subjects.length) out[path] = subjects;
    }
    return out;
  }

  /**
   * Indexed files by BM25 over their history field, best first (the search filters apply to the
   * indexed file). Bounded like the other FTS tables (boundedTopByBm25): at most `cap` rows scored.
   */
  files(match: string, filters: SearchFilters, limit: number, cap = MATCH_CAP): FileCandidate[] {
    // A file with history but no index entry (skipped, removed) is left out before the cap, like a filter.
    const narrowed = fileEntryFilters('s', filters);
    const indexed = ['s.path = h.path', ...narrowed.where];
    const params = narrowed.params;
    const where = [`EXISTS (SELECT 1 FROM file_entries s WHERE ${indexed.join(' AND ')})`];
    const table = { fts: 'history_fts', table: 'history_files', alias: 'h', where, params, weights: [1] };
    return boundedTopByBm25<{ rowId: number; path: string; rank: number }>(
      this.sql,
      table,
      match,
      'h.path AS path',
      limit,
      cap,
    ).rows.map((row) => ({ path: row.path, score: -row.rank }));
  }

  /** Indexed files by the votes of the past commits most similar to `match` (PastCommits.votes). */
  votes(match: string, filters: SearchFilters, spec: VoteSpec, limit: number): FileCandidate[] {
    return this.past.votes(match, filters, spec, limit, (path) => this.current(path));
  }

  /** The files changed together with each of `paths` in walked commits, most bound first (PastCommits.partners). */
  partners(paths: string[]): Map<string, { path: string; share: number }[]> {
    return this.past.partners(paths, (path) => this.current(path));
  }
}
