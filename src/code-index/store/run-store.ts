import type { RunRecord, RunState } from '../pipeline/run';

export interface WorkItem {
  seq: number;
  op: 'upsert' | 'delete';
  path: string;
  sha: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS work (seq INTEGER PRIMARY KEY, op TEXT NOT NULL, path TEXT NOT NULL, sha TEXT);
CREATE TABLE IF NOT EXISTS run_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, finished_at INTEGER NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunk_ids (seq INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS id_counter (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vector_removals (id INTEGER PRIMARY KEY);
`;

/**
 * A repository index's run bookkeeping, in the object's SQLite: the checkpoint of the run
 * going on, the last runs, the queue of work, the chunk ids given to queued files, and
 * the vector deletions still owed to a remote vector store.
 */
export class RunStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  runState(): RunState | null {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM run_state WHERE id = 1').toArray()[0];
    return row ? (JSON.parse(row.state) as RunState) : null;
  }

  saveRunState(state: RunState | null): void {
    if (state)
      this.sql.exec(
        'INSERT INTO run_state (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state',
        JSON.stringify(state),
      );
    else this.sql.exec('DELETE FROM run_state');
  }

  recordRun(record: RunRecord): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO runs (id, finished_at, record) VALUES (?, ?, ?)',
      record.id,
      Date.parse(record.finishedAt),
      JSON.stringify(record),
    );
    // Keep the last 50 runs.
    this.sql.exec('DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY finished_at DESC LIMIT 50)');
  }

  lastRun(): RunRecord | null {
    const row = this.sql
      .exec<{ record: string }>('SELECT record FROM runs ORDER BY finished_at DESC LIMIT 1')
      .toArray()[0];
    return row ? (JSON.parse(row.record) as RunRecord) : null;
  }

  clearWork(): void {
    this.sql.exec('DELETE FROM work');
    this.sql.exec('DELETE FROM chunk_ids');
  }

  addWork(op: WorkItem['op'], path: string, sha: string | null): void {
    this.sql.exec('INSERT INTO work (op, path, sha) VALUES (?, ?, ?)', op, path, sha);
  }

  nextWork(after: number, limit: number): WorkItem[] {
    return this.sql
      .exec<{ seq: number; op: string; path: string; sha: string | null }>(
        'SELECT seq, op, path, sha FROM work WHERE seq > ? ORDER BY seq LIMIT ?',
        after,
        limit,
      )
      .toArray()
      .map((row) => ({ seq: row.seq, op: row.op as WorkItem['op'], path: row.path, sha: row.sha }));
  }

  workRemaining(after: number): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM work WHERE seq > ?', after).one().n;
  }

  /** Work items done so far (at or below the cursor): the progress of the files phase. */
  workDone(cursor: number): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM work WHERE seq <= ?', cursor).one().n;
  }

  /**
   * Chunk ids for the file at work item `seq`: the same ids every time the item is retried
   * (vectors written under them before a failed commit are overwritten, never orphaned),
   * fresh ones otherwise. Ids are never reused, so a vector left behind can never name
   * a later chunk.
   */
  chunkIdsFor(seq: number, count: number): number[] {
    const held = this.sql
      .exec<{ first_id: number; count: number }>('SELECT first_id, count FROM chunk_ids WHERE seq = ?', seq)
      .toArray()[0];
    if (held && held.count === count) return Array.from({ length: count }, (_, i) => held.first_id + i);
    const counter = this.sql.exec<{ next: number }>('SELECT next FROM id_counter WHERE id = 1').toArray()[0];
    const first =
      counter?.next ?? this.sql.exec<{ n: number }>('SELECT coalesce(max(id), 0) + 1 AS n FROM chunks').one().n;
    this.sql.exec(
      'INSERT INTO id_counter (id, next) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET next = excluded.next',
      first + count,
    );
    this.sql.exec('INSERT OR REPLACE INTO chunk_ids (seq, first_id, count) VALUES (?, ?, ?)', seq, first, count);
    return Array.from({ length: count }, (_, i) => first + i);
  }

  /** Vector deletions a remote store still owes, recorded in the transaction that removed the chunks. */
  oweRemovals(ids: number[]): void {
    for (const id of ids) this.sql.exec('INSERT OR IGNORE INTO vector_removals (id) VALUES (?)', id);
  }

  owedRemovals(limit: number): number[] {
    return this.sql
      .exec<{ id: number }>('SELECT id FROM vector_removals ORDER BY id LIMIT ?', limit)
      .toArray()
      .map((row) => row.id);
  }

  settleRemovals(ids: number[]): void {
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      this.sql.exec(`DELETE FROM vector_removals WHERE id IN (${slice.map(() => '?').join(',')})`, ...slice);
    }
  }
}
