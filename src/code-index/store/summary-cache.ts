/**
 * Model-written summaries in the index object's SQLite: the cache keyed by git blob id and
 * summarizer (model and prompt version), so a file whose content did not change is never sent
 * to the model again, whatever its path or however often it is re-indexed; and the files still
 * owed a summary (a failed or over-budget call), which the next run takes up again.
 */
export class SummaryCache {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
CREATE TABLE IF NOT EXISTS summary_cache (sha TEXT NOT NULL, summarizer TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (sha, summarizer));
CREATE TABLE IF NOT EXISTS summaries_owed (path TEXT PRIMARY KEY);
`);
  }

  get(shas: string[], summarizer: string): Map<string, string> {
    const out = new Map<string, string>();
    for (let i = 0; i < shas.length; i += 90) {
      const slice = shas.slice(i, i + 90);
      for (const row of this.sql.exec<{ sha: string; summary: string }>(
        `SELECT sha, summary FROM summary_cache WHERE summarizer = ? AND sha IN (${slice.map(() => '?').join(',')})`,
        summarizer,
        ...slice,
      ))
        out.set(row.sha, row.summary);
    }
    return out;
  }

  put(sha: string, summarizer: string, summary: string): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO summary_cache (sha, summarizer, summary) VALUES (?, ?, ?)',
      sha,
      summarizer,
      summary,
    );
  }

  owe(path: string): void {
    this.sql.exec('INSERT OR IGNORE INTO summaries_owed (path) VALUES (?)', path);
  }

  settle(path: string): void {
    this.sql.exec('DELETE FROM summaries_owed WHERE path = ?', path);
  }

  owed(limit: number): string[] {
    return this.sql
      .exec<{ path: string }>('SELECT path FROM summaries_owed ORDER BY path LIMIT ?', limit)
      .toArray()
      .map((row) => row.path);
  }

  clearOwed(): void {
    this.sql.exec('DELETE FROM summaries_owed');
  }

  /** Drop cached summaries no indexed file has any more (monthly pruning, with the vectors). */
  prune(): number {
    const before = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM summary_cache').one().n;
    this.sql.exec('DELETE FROM summary_cache WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.sha = summary_cache.sha)');
    return before - this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM summary_cache').one().n;
  }
}
