import { ApiError } from '../../errors';
import type { RankedHit, SearchFilters } from './repo-index-store';
import type { VectorRecord, VectorStore } from './vector-store';

/**
 * Cloudflare Vectorize, one namespace per repository, metadata for path, language and lines.
 * UNTESTED HERE: Vectorize cannot run locally (miniflare has no implementation), so this
 * adapter is typed against the binding and exercised only in a deployed Worker. The index
 * must be created with the embedder's dimensions and metric "cosine", with a metadata
 * index on `language` for the lang filter. Path prefixes are filtered after the query.
 */
export class VectorizeVectorStore implements VectorStore {
  readonly kind = 'vectorize' as const;

  constructor(
    private readonly index: Vectorize,
    private readonly namespace: string,
  ) {}

  async upsert(records: VectorRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 500) {
      const batch = records.slice(i, i + 500).map((record) => ({
        id: String(record.id),
        values: Array.from(record.vector),
        namespace: this.namespace,
        metadata: { path: record.path, language: record.language, startLine: record.startLine, endLine: record.endLine },
      }));
      await this.guard(() => this.index.upsert(batch));
    }
  }

  async remove(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.guard(() => this.index.deleteByIds(ids.slice(i, i + 500).map(String)));
  }

  async query(vector: Float32Array, limit: number, filters: SearchFilters): Promise<RankedHit[]> {
    const result = await this.guard(() =>
      this.index.query(Array.from(vector), {
        topK: Math.min(filters.path ? 100 : limit, 100),
        namespace: this.namespace,
        returnMetadata: 'indexed',
        ...(filters.language ? { filter: { language: filters.language } } : {}),
      }),
    );
    return result.matches
      .filter((match) => !filters.path || String(match.metadata?.path ?? '').startsWith(filters.path))
      .slice(0, limit)
      .map((match) => ({ id: Number(match.id), score: match.score }));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new ApiError('upstream_error', 'Vectorize failed.', { internal: error });
    }
  }
}

/** Vectorize namespaces are at most 64 bytes: long names keep a prefix plus a hash of the whole name. */
export function vectorizeNamespace(indexName: string): string {
  if (indexName.length <= 64) return indexName;
  let h = 0x811c9dc5;
  for (let i = 0; i < indexName.length; i++) h = Math.imul(h ^ indexName.charCodeAt(i), 0x01000193);
  return `${indexName.slice(0, 54)}~${(h >>> 0).toString(16).padStart(8, '0')}`;
}
