import type { RankedHit, SearchFilters } from './repo-index-store';
import type { VectorRecord, VectorStore } from './vector-store';
import type { VectorSketch } from './vector-sketch';

/** Candidates from the int8 sketch rescored exactly, per result asked for. */
const RESCORE_FACTOR = 4;

/** Rows scored per page: a query holds at most this many vectors (≈ 3 MB at 1,536 dimensions). */
export const VECTOR_PAGE_ROWS = 512;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS embeddings (hash TEXT NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (hash, model));
CREATE TABLE IF NOT EXISTS vector_rows (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL);
`;

/** Keeps the `limit` best hits seen so far; the floor is the worst of them once full. */
class RunningTopK {
  readonly hits: { id: number; score: number }[] = [];
  private floor = -Infinity;

  constructor(private readonly limit: number) {}

  admits(score: number): boolean {
    return this.hits.length < this.limit || score > this.floor;
  }

  add(id: number, score: number): void {
    this.hits.push({ id, score });
    if (this.hits.length > this.limit * 2) this.trim();
  }

  trim(): { id: number; score: number }[] {
    this.hits.sort((a, b) => b.score - a.score || a.id - b.id);
    if (this.hits.length > this.limit) this.hits.length = this.limit;
    if (this.hits.length === this.limit) this.floor = this.hits[this.hits.length - 1]!.score;
    return this.hits;
  }
}

/**
 * Vectors kept in the repository object's SQLite: a row per chunk (id, content hash, path,
 * language) pointing into the content-hash cache of embeddings. A query scans the rows in
 * pages with a running top-k, or (faster) takes candidates from an int8 sketch held within a
 * fixed budget; either way memory is bounded, whatever the repository's size.
 * Its writes are synchronous SQL, so the pipeline makes them in the same transaction as
 * the checkpoint that records them.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly kind = 'embedded' as const;

  constructor(
    private readonly sql: SqlStorage,
    private readonly model: string,
  ) {
    sql.exec(SCHEMA);
  }

  /** Rows for chunks written before this store kept its own (the vectors are in the cache already). */
  static adoptChunks(sql: SqlStorage): void {
    sql.exec(SCHEMA);
    sql.exec(
      "INSERT OR IGNORE INTO vector_rows (id, hash, path, language) SELECT id, hash, path, language FROM chunks WHERE kind != 'imports'",
    );
  }

  upsertNow(records: VectorRecord[]): void {
    for (const record of records) {
      const vector = record.vector;
      this.sql.exec(
        'INSERT OR IGNORE INTO embeddings (hash, model, vector) VALUES (?, ?, ?)',
        record.hash,
        this.model,
        vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength),
      );
      this.sql.exec(
        'INSERT OR REPLACE INTO vector_rows (id, hash, path, language) VALUES (?, ?, ?, ?)',
        record.id,
        record.hash,
        record.path,
        record.language,
      );
    }
  }

  removeNow(ids: number[]): void {
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      this.sql.exec(`DELETE FROM vector_rows WHERE id IN (${slice.map(() => '?').join(',')})`, ...slice);
    }
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    this.upsertNow(records);
  }

  async remove(ids: number[]): Promise<void> {
    this.removeNow(ids);
  }

  async query(query: Float32Array, limit: number, filters: SearchFilters): Promise<RankedHit[]> {
    return this.search(query, limit, filters);
  }

  /**
   * Cosine top-k (vectors are unit length, so the dot product). With a sketch: its best
   * candidates, rescored exactly from the float vectors; without: every row, a page at a time.
   */
  search(query: Float32Array, limit: number, filters: SearchFilters, sketch: VectorSketch | null = null): RankedHit[] {
    if (sketch) return this.rescore(query, limit, sketch.candidates(query, limit * RESCORE_FACTOR, filters));
    const where: string[] = ['v.id > ?'];
    const params: unknown[] = [];
    if (filters.path) {
      // Not LIKE: workerd's SQLite refuses LIKE patterns over 50 bytes, and paths are longer.
      where.push('substr(v.path, 1, ?) = ?');
      params.push([...filters.path].length, filters.path);
    }
    if (filters.language) {
      where.push('v.language = ?');
      params.push(filters.language);
    }
    const statement = `SELECT v.id AS id, e.vector AS vector FROM vector_rows v JOIN embeddings e ON e.hash = v.hash AND e.model = ? WHERE ${where.join(' AND ')} ORDER BY v.id LIMIT ?`;
    const best = new RunningTopK(limit);
    let after = 0;
    for (;;) {
      const page = this.sql
        .exec<{ id: number; vector: ArrayBuffer }>(statement, this.model, after, ...params, VECTOR_PAGE_ROWS)
        .toArray();
      for (const row of page) {
        const vector = new Float32Array(row.vector);
        if (vector.length !== query.length) continue;
        let dot = 0;
        for (let i = 0; i < vector.length; i++) dot += vector[i]! * query[i]!;
        if (best.admits(dot)) best.add(row.id, dot);
      }
      if (page.length < VECTOR_PAGE_ROWS) break;
      after = page[page.length - 1]!.id;
    }
    return best.trim().map((hit) => ({ id: hit.id, score: hit.score }));
  }

  private rescore(query: Float32Array, limit: number, ids: number[]): RankedHit[] {
    const best = new RunningTopK(limit);
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      for (const row of this.sql.exec<{ id: number; vector: ArrayBuffer }>(
        `SELECT v.id AS id, e.vector AS vector FROM vector_rows v JOIN embeddings e ON e.hash = v.hash AND e.model = ? WHERE v.id IN (${slice.map(() => '?').join(',')})`,
        this.model,
        ...slice,
      )) {
        const vector = new Float32Array(row.vector);
        let dot = 0;
        for (let j = 0; j < vector.length; j++) dot += vector[j]! * query[j]!;
        if (best.admits(dot)) best.add(row.id, dot);
      }
    }
    return best.trim().map((hit) => ({ id: hit.id, score: hit.score }));
  }
}
