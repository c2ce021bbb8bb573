import type { RankedHit, SearchFilters } from './repo-index-store';

export interface VectorRecord {
  id: number;
  /** Content hash of the chunk: the embedded store keeps one vector per hash and model. */
  hash: string;
  vector: Float32Array;
  path: string;
  language: string;
  startLine: number;
  endLine: number;
}

/**
 * Where chunk vectors live. The embedded store keeps them next to the chunks in the
 * repository's Durable Object (exact cosine search over pages of rows); Vectorize keeps
 * them in a namespace per index object (project, repository, branch).
 */
export interface VectorStore {
  readonly kind: 'embedded' | 'vectorize';
  upsert(records: VectorRecord[]): Promise<void>;
  remove(ids: number[]): Promise<void>;
  /** The `limit` nearest chunk ids under the filters, best first. */
  query(vector: Float32Array, limit: number, filters: SearchFilters): Promise<RankedHit[]>;
}

/** A store in the index object's own SQLite: its writes join the transaction of the checkpoint. */
export interface TransactionalVectorStore extends VectorStore {
  upsertNow(records: VectorRecord[]): void;
  removeNow(ids: number[]): void;
}

export function writesInTransaction(store: VectorStore): store is TransactionalVectorStore {
  return typeof (store as Partial<TransactionalVectorStore>).upsertNow === 'function';
}
