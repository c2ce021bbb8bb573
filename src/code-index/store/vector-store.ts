import type { RankedHit, SearchFilters } from './repo-index-store';

export interface VectorRecord {
  id: number;
  vector: Float32Array;
  path: string;
  language: string;
  startLine: number;
  endLine: number;
}

/**
 * Where chunk vectors live. The embedded store keeps them next to the chunks in the
 * repository's Durable Object (exact cosine search); Vectorize keeps them in a
 * namespace per repository.
 */
export interface VectorStore {
  readonly kind: 'embedded' | 'vectorize';
  upsert(records: VectorRecord[]): Promise<void>;
  remove(ids: number[]): Promise<void>;
  query(vector: Float32Array, limit: number, filters: SearchFilters): Promise<RankedHit[]>;
}

/** Exact top-k cosine over a row-major matrix of unit vectors (dot product = cosine). */
export function topCosine(
  matrix: Float32Array,
  dimensions: number,
  query: Float32Array,
  limit: number,
  accept: (row: number) => boolean,
): { row: number; score: number }[] {
  const rows = matrix.length / dimensions;
  const best: { row: number; score: number }[] = [];
  let floor = -Infinity;
  for (let row = 0; row < rows; row++) {
    const offset = row * dimensions;
    let dot = 0;
    for (let i = 0; i < dimensions; i++) dot += matrix[offset + i]! * query[i]!;
    if (best.length >= limit && dot <= floor) continue;
    if (!accept(row)) continue;
    best.push({ row, score: dot });
    if (best.length > limit) {
      best.sort((a, b) => b.score - a.score);
      best.length = limit;
      floor = best[best.length - 1]!.score;
    } else if (best.length === limit) {
      floor = Math.min(...best.map((hit) => hit.score));
    }
  }
  return best.sort((a, b) => b.score - a.score);
}
