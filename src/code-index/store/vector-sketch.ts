import type { SearchFilters } from './repo-index-store';

/** The most memory the int8 copies of an index's vectors may take; beyond it, queries scan SQLite in pages. */
export const SKETCH_BUDGET_BYTES = 32 * 1024 * 1024;
const BUILD_PAGE_ROWS = 512;

/**
 * Int8 copies of every vector of one model (a quarter of float32), held on the index object
 * when they fit SKETCH_BUDGET_BYTES: a fast in-memory first pass whose best candidates the
 * store rescores exactly from SQLite. 20,000 chunks x 1,536 dimensions take 30 MB.
 */
export class VectorSketch {
  private constructor(
    readonly dimensions: number,
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
    const ids = new Int32Array(stats.n);
    const scales = new Float32Array(stats.n);
    const values = new Int8Array(stats.n * dimensions);
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
        if (vector.length !== dimensions || row >= stats.n) continue;
        let max = 0;
        for (const v of vector) max = Math.max(max, Math.abs(v));
        const scale = max / 127 || 1;
        const offset = row * dimensions;
        for (let i = 0; i < dimensions; i++) values[offset + i] = Math.round(vector[i]! / scale);
        ids[row] = r.id;
        scales[row] = scale;
        paths.push(r.path);
        languages.push(r.language);
        row++;
      }
      if (page.length < BUILD_PAGE_ROWS) break;
      after = page[page.length - 1]!.id;
    }
    return new VectorSketch(
      dimensions,
      ids.subarray(0, row),
      scales.subarray(0, row),
      values.subarray(0, row * dimensions),
      paths,
      languages,
    );
  }

  /** The ids of the `count` rows nearest the query by their int8 copies, under the filters. */
  candidates(query: Float32Array, count: number, filters: SearchFilters): number[] {
    if (query.length !== this.dimensions) return [];
    const best: { id: number; score: number }[] = [];
    let floor = -Infinity;
    const dims = this.dimensions;
    for (let row = 0; row < this.ids.length; row++) {
      if (filters.path && !this.paths[row]!.startsWith(filters.path)) continue;
      if (filters.language && this.languages[row] !== filters.language) continue;
      const offset = row * dims;
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += this.values[offset + i]! * query[i]!;
      dot *= this.scales[row]!;
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
