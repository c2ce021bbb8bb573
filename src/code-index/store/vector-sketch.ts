import type { SearchFilters } from './repo-index-store';

/** The most memory the int8 copies of an index's vectors may take; beyond it, queries scan SQLite in pages. */
export const SKETCH_BUDGET_BYTES = 32 * 1024 * 1024;
const BUILD_PAGE_ROWS = 512;

/**
 * Int8 copies of every vector of one model (a quarter of float32), held on the index object
 * when they fit SKETCH_BUDGET_BYTES: a fast in-memory first pass whose best candidates the
 * store rescores exactly from SQLite. 20,000 chunks x 1,536 dimensions take 30 MB.
 * Stored dimension by dimension (one column of every row after another), so a query reads
 * only the columns where it is not zero: the offline hashing embedder's query vectors are
 * sparse (a question has a few dozen features), which makes a scan several times cheaper
 * with exactly the same scores.
 */
export class VectorSketch {
  /** One row's running sum each, reused by every query (a query allocates nothing proportional to the index). */
  private sums: Float64Array | null = null;

  private constructor(
    readonly dimensions: number,
    /** Stride of a column: the rows the arrays were sized for. */
    private readonly stride: number,
    /** Rows filled (the first `filled` of each column). */
    private readonly filled: number,
    private readonly ids: Int32Array,
    private readonly scales: Float32Array,
    private readonly values: Int8Array,
    private readonly paths: string[],
    private readonly languages: string[],
  ) {}

  /** Build from the store's rows, a page at a time; null when the copies would not fit the budget. */
  static build(sql: SqlStorage, model: string, budget = SKETCH_BUDGET_BYTES): VectorSketch | null {
    const stats = sql
      .exec<{ n: number; bytes: number | null }>(
        'SELECT count(*) AS n, max(length(e.vector)) AS bytes FROM vector_rows v JOIN embeddings e ON e.hash = v.hash AND e.model = ?',
        model,
      )
      .one();
    const dimensions = (stats.bytes ?? 0) / 4;
    if (!stats.n || !dimensions || stats.n * dimensions > budget) return null;
    const rows = stats.n;
    const ids = new Int32Array(rows);
    const scales = new Float32Array(rows);
    const values = new Int8Array(rows * dimensions);
    const paths: string[] = [];
    const languages: string[] = [];
    let row = 0;
    let after = 0;
    for (;;) {
      const page = sql
        .exec<{ id: number; path: string; language: string; vector: ArrayBuffer }>(
          'SELECT v.id AS id, v.path AS path, v.language AS language, e.vector AS vector FROM vector_rows v JOIN embeddings e ON e.hash = v.hash AND e.model = ? WHERE v.id > ? ORDER BY v.id LIMIT ?',
          model,
          after,
          BUILD_PAGE_ROWS,
        )
        .toArray();
      for (const r of page) {
        const vector = new Float32Array(r.vector);
        if (vector.length !== dimensions || row >= rows) continue;
        let max = 0;
        for (const v of vector) max = Math.max(max, Math.abs(v));
        const scale = max / 127 || 1;
        // Column-major: dimension i of every row lies at i * rows + row.
        for (let i = 0; i < dimensions; i++) values[i * rows + row] = Math.round(vector[i]! / scale);
        ids[row] = r.id;
        scales[row] = scale;
        paths.push(r.path);
        languages.push(r.language);
        row++;
      }
      if (page.length < BUILD_PAGE_ROWS) break;
      after = page[page.length - 1]!.id;
    }
    return new VectorSketch(dimensions, rows, row, ids, scales, values, paths, languages);
  }

  /** The ids of the `count` rows nearest the query by their int8 copies, under the filters. */
  candidates(query: Float32Array, count: number, filters: SearchFilters): number[] {
    if (query.length !== this.dimensions) return [];
    const rows = this.filled;
    // Accumulate column by column over the query's non-zero dimensions, in the same order as a
    // row-by-row dot product would (so the sums are bit-for-bit the same).
    this.sums ??= new Float64Array(this.stride);
    const sums = this.sums;
    sums.fill(0, 0, rows);
    for (let i = 0; i < this.dimensions; i++) {
      const q = query[i]!;
      if (q === 0) continue;
      const column = this.values.subarray(i * this.stride, i * this.stride + rows);
      for (let row = 0; row < rows; row++) sums[row]! += column[row]! * q;
    }
    const best: { id: number; score: number }[] = [];
    let floor = -Infinity;
    for (let row = 0; row < rows; row++) {
      if (filters.path && !this.paths[row]!.startsWith(filters.path)) continue;
      if (filters.language && this.languages[row] !== filters.language) continue;
      const dot = sums[row]! * this.scales[row]!;
      if (best.length >= count && dot <= floor) continue;
      best.push({ id: this.ids[row]!, score: dot });
      if (best.length >= count * 2) {
        best.sort((a, b) => b.score - a.score);
        best.length = count;
        floor = best[count - 1]!.score;
      }
    }
    return best
      .sort((a, b) => b.score - a.score)
      .slice(0, count)
      .map((hit) => hit.id);
  }
}
