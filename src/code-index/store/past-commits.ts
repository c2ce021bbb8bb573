import type { FileCandidate } from '../ranking/files';
import { expandIdentifiers } from '../ranking/tokens';
import { boundedTopByBm25, MATCH_CAP } from './bounded-match';
import { fileEntryFilters, type SearchFilters } from './search-filters';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_commit_rows (id INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE, files INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS history_commit_files (id INTEGER NOT NULL, path TEXT NOT NULL, PRIMARY KEY (id, path));
CREATE VIRTUAL TABLE IF NOT EXISTS history_commit_fts USING fts5(subject, tokenize = 'porter unicode61');
CREATE INDEX IF NOT EXISTS history_commit_files_by_path ON history_commit_files (path);
`;

/** Commits of one file a partners lookup reads at most (the newest walked): a file changed in every release stays bounded. */
export const PARTNER_COMMITS = 200;

/** Commits taken from the kept history entries per step when an older index gets its commit rows. */
const MIGRATION_PAGE = 500;

/** How past commits vote: the `top` most similar commits each give similarity / (files changed)^alpha to each file. */
export interface VoteSpec {
  top: number;
  alpha: number;
}

/**
 * Similar past commits (as in bug localisation: similar past reports vote for the files they
 * fixed): each walked commit's subject (or pull-request title, already redacted by the walk) is its
 * own FTS5 row, with the files it changed. A question's most similar commits by BM25 vote for their
 * files, a commit's vote split across the files it changed.
 */
export class PastCommits {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    this.fromEntries();
  }

  /** Record one commit with a subject and the (current) paths it changed; a commit is recorded once. */
  add(sha: string, subject: string, paths: string[]): void {
    const unique = [...new Set(paths)];
    if (!unique.length) return;
    const row = this.sql
      .exec<{ id: number }>(
        'INSERT INTO history_commit_rows (sha, files) VALUES (?, ?) ON CONFLICT(sha) DO NOTHING RETURNING id',
        sha,
        unique.length,
      )
      .toArray()[0];
    if (!row) return;
    this.sql.exec(
      'INSERT INTO history_commit_fts (rowid, subject) VALUES (?, ?)',
      row.id,
      `${subject}\n${expandIdentifiers(subject)}`,
    );
    for (const path of unique)
      this.sql.exec('INSERT OR IGNORE INTO history_commit_files (id, path) VALUES (?, ?)', row.id, path);
  }

  clear(): void {
    for (const table of ['history_commit_rows', 'history_commit_files', 'history_commit_fts'])
      this.sql.exec(`DELETE FROM ${table}`);
  }

  /**
   * Indexed files by the votes of the `spec.top` past commits most similar to `match` (at most
   * `cap` commits scored, boundedTopByBm25): each gives bm25 / files^alpha to every file it changed
   * that is still indexed (under its current path: `current` follows renames) and passes the filters.
   */
  votes(
    match: string,
    filters: SearchFilters,
    spec: VoteSpec,
    limit: number,
    current: (path: string) => string,
    cap = MATCH_CAP,
  ): FileCandidate[] {
    if (spec.top <= 0) return [];
    const table = {
      fts: 'history_commit_fts',
      table: 'history_commit_rows',
      alias: 'c',
      where: [],
      params: [],
      weights: [1],
    };
    const commits = boundedTopByBm25<{ rowId: number; files: number; rank: number }>(
      this.sql,
      table,
      match,
      'c.files AS files',
      spec.top,
      cap,
    ).rows;
    if (!commits.length) return [];
    const vote = new Map(commits.map((c) => [c.rowId, -c.rank / Math.max(1, c.files) ** spec.alpha]));
    const totals = new Map<string, number>();
    const changed = this.sql
      .exec<{ id: number; path: string }>(
        'SELECT f.id AS id, f.path AS path FROM json_each(?) ids JOIN history_commit_files f ON f.id = ids.value',
        JSON.stringify(commits.map((c) => c.rowId)),
      )
      .toArray();
    // A path changed by several voters is followed through its renames once.
    const resolved = new Map<string, string>();
    for (const { id, path } of changed) {
      const now = resolved.get(path) ?? current(path);
      resolved.set(path, now);
      totals.set(now, (totals.get(now) ?? 0) + (vote.get(id) ?? 0));
    }
    const indexed = this.indexed([...totals.keys()], filters);
    return [...totals]
      .filter(([path, score]) => indexed.has(path) && score > 0)
      .map(([path, score]) => ({ path, score }))
      .sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1))
      .slice(0, limit);
  }

  /**
   * The files changed together with each of `paths` in walked commits (co-change), each with its
   * share: the sum over the commits both changed of 1 / (the commit's other files), so a commit
   * that touched two files binds them fully and a sweep binds each pair weakly. Reads at most
   * PARTNER_COMMITS of each path's newest commits, in one query; partners under their current path.
   */
  partners(paths: string[], current: (path: string) => string): Map<string, { path: string; share: number }[]> {
    const out = new Map<string, { path: string; share: number }[]>();
    if (!paths.length) return out;
    const rows = this.sql
      .exec<{ source: string; partner: string; share: number }>(
        `WITH picked AS (
           SELECT id, path FROM (
             SELECT f.id AS id, f.path AS path,
                    row_number() OVER (PARTITION BY f.path ORDER BY c.at DESC, f.id) AS n
             FROM json_each(?) wanted
             JOIN history_commit_files f ON f.path = wanted.value
             JOIN history_commit_rows r ON r.id = f.id
             LEFT JOIN history_commits c ON c.sha = r.sha
             WHERE r.files > 1)
           WHERE n <= ?)
         SELECT p.path AS source, o.path AS partner, sum(1.0 / (r.files - 1)) AS share
         FROM picked p
         JOIN history_commit_rows r ON r.id = p.id
         JOIN history_commit_files o ON o.id = p.id AND o.path <> p.path
         GROUP BY p.path, o.path`,
        JSON.stringify([...new Set(paths)]),
        PARTNER_COMMITS,
      )
      .toArray();
    const resolved = new Map<string, string>();
    const merged = new Map<string, Map<string, number>>();
    for (const { source, partner, share } of rows) {
      const now = resolved.get(partner) ?? current(partner);
      resolved.set(partner, now);
      if (now === source) continue;
      const byPartner = merged.get(source) ?? new Map<string, number>();
      merged.set(source, byPartner);
      byPartner.set(now, (byPartner.get(now) ?? 0) + share);
    }
    for (const [source, byPartner] of merged)
      out.set(
        source,
        [...byPartner]
          .map(([path, share]) => ({ path, share }))
          .sort((a, b) => b.share - a.share || (a.path < b.path ? -1 : 1)),
      );
    return out;
  }

  /** Which of these paths are indexed files passing the filters. */
  private indexed(paths: string[], filters: SearchFilters): Set<string> {
    const { where, params } = fileEntryFilters('f', filters);
    return new Set(
      this.sql
        .exec<{ path: string }>(
          `SELECT f.path AS path FROM json_each(?) ids JOIN file_entries f ON ${['f.path = ids.value', ...where].join(' AND ')}`,
          JSON.stringify(paths),
          ...params,
        )
        .toArray()
        .map((row) => row.path),
    );
  }

  /**
   * An index whose history was walked before this table existed: its commits are taken from the
   * kept history entries once (subjects as stored, so already redacted; a commit's file count is
   * what the entries still hold), so old indexes vote without walking history again. Read a page
   * of commits at a time, so a long history is never held in memory whole.
   */
  private fromEntries(): void {
    const empty = this.sql.exec('SELECT 1 FROM history_commit_rows LIMIT 1').toArray().length === 0;
    if (!empty) return;
    for (let after = ''; ; ) {
      const shas = this.sql
        .exec<{ sha: string }>(
          'SELECT DISTINCT sha FROM history_entries WHERE sha > ? ORDER BY sha LIMIT ?',
          after,
          MIGRATION_PAGE,
        )
        .toArray()
        .map((row) => row.sha);
      if (!shas.length) return;
      const rows = this.sql
        .exec<{ sha: string; subject: string; path: string }>(
          'SELECT sha, subject, path FROM history_entries WHERE sha IN (SELECT value FROM json_each(?)) ORDER BY sha, path',
          JSON.stringify(shas),
        )
        .toArray();
      for (let from = 0; from < rows.length; ) {
        let to = from;
        while (to < rows.length && rows[to]!.sha === rows[from]!.sha) to++;
        this.add(
          rows[from]!.sha,
          rows[from]!.subject,
          rows.slice(from, to).map((row) => row.path),
        );
        from = to;
      }
      after = shas[shas.length - 1]!;
    }
  }
}
