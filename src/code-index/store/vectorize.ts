import { ApiError } from '../../errors';
import type { RankedHit, SearchFilters } from './repo-index-store';
import type { VectorRecord, VectorStore } from './vector-store';

/** Directory depths that get a hashed metadata key (`d1` = first directory, … `d4`). */
const DIR_DEPTHS = 4;
/** Vectors per upsert or delete call (the binding takes up to 1,000). */
const WRITE_BATCH = 500;

/**
 * The metadata indexes the Vectorize index needs, created before any vector is written
 * (`wrangler vectorize create-metadata-index <index> --propertyName=<p> --type=string`).
 * String indexes see only the first 64 bytes of a value, so paths are filtered through
 * short hashes of their directories and of the whole path, never through the path itself.
 */
export const VECTORIZE_METADATA_INDEXES: readonly { property: string; type: 'string' | 'number' | 'boolean' }[] = [
  { property: 'language', type: 'string' },
  { property: 'file', type: 'string' },
  ...Array.from({ length: DIR_DEPTHS }, (_, i) => ({ property: `d${i + 1}`, type: 'string' as const })),
];

/** A short, filter-safe key for a path or directory: 16 characters of its SHA-256, base64url. */
export async function pathKey(path: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(path)));
  return btoa(String.fromCharCode(...digest.subarray(0, 12)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/**
 * The scope of one index object (project, repository, branch) in a shared Vectorize
 * index: its namespace, and the prefix of its vector ids. Vectorize ids are unique per
 * index, not per namespace, so the ids carry the scope too.
 */
export async function vectorScope(
  project: string,
  repo: { owner: string; name: string; branch: string },
): Promise<string> {
  return pathKey(`${project}\n${repo.owner}/${repo.name}\n${repo.branch}`);
}

async function pathMetadata(path: string): Promise<Record<string, string>> {
  const dirs = path.split('/').slice(0, -1);
  const out: Record<string, string> = { file: await pathKey(path) };
  for (let depth = 1; depth <= Math.min(dirs.length, DIR_DEPTHS); depth++)
    out[`d${depth}`] = await pathKey(dirs.slice(0, depth).join('/'));
  return out;
}

/**
 * The Vectorize filter for a path prefix, and whether it is exact. `src/billing/` is a
 * directory (exact up to DIR_DEPTHS deep); anything else narrows to its deepest complete
 * directory and the caller checks the rest on the returned paths.
 */
async function pathFilter(prefix: string): Promise<{ filter: Record<string, string>; exact: boolean }> {
  const dirs = prefix.split('/').filter(Boolean);
  const complete = prefix.endsWith('/') ? dirs : dirs.slice(0, -1);
  const depth = Math.min(complete.length, DIR_DEPTHS);
  const filter = depth ? { [`d${depth}`]: await pathKey(complete.slice(0, depth).join('/')) } : {};
  return { filter, exact: prefix.endsWith('/') && complete.length === depth && depth > 0 };
}

/**
 * Cloudflare Vectorize. One index serves every project, repository and branch: each
 * index object writes into its own namespace, with ids prefixed by that scope. Runs
 * against Cloudflare's binding when deployed and against the local implementation of
 * its API (src/local/vectorize.ts) in development and tests.
 */
export class VectorizeVectorStore implements VectorStore {
  readonly kind = 'vectorize' as const;

  constructor(
    private readonly index: Vectorize,
    private readonly scope: string,
  ) {}

  private vectorId(id: number): string {
    return `${this.scope}:${id}`;
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += WRITE_BATCH) {
      const batch = await Promise.all(
        records.slice(i, i + WRITE_BATCH).map(async (record) => ({
          id: this.vectorId(record.id),
          values: Array.from(record.vector),
          namespace: this.scope,
          metadata: {
            path: record.path,
            language: record.language,
            startLine: record.startLine,
            endLine: record.endLine,
            ...(await pathMetadata(record.path)),
          },
        })),
      );
      await this.guard(() => this.index.upsert(batch));
    }
  }

  async remove(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += WRITE_BATCH)
      await this.guard(() => this.index.deleteByIds(ids.slice(i, i + WRITE_BATCH).map((id) => this.vectorId(id))));
  }

  async query(vector: Float32Array, limit: number, filters: SearchFilters): Promise<RankedHit[]> {
    const byPath = filters.path ? await pathFilter(filters.path) : { filter: {}, exact: true };
    const filter: VectorizeVectorMetadataFilter = {
      ...byPath.filter,
      ...(filters.language ? { language: filters.language } : {}),
    };
    // An inexact path filter is finished here on the full metadata (path is not indexed), which caps topK at 50.
    const result = await this.guard(() =>
      this.index.query(Array.from(vector), {
        topK: Math.min(limit, byPath.exact ? 100 : 50),
        namespace: this.scope,
        returnMetadata: byPath.exact ? 'none' : 'all',
        ...(Object.keys(filter).length ? { filter } : {}),
      }),
    );
    const prefix = `${this.scope}:`;
    return result.matches
      .filter((match) => match.id.startsWith(prefix))
      .filter((match) => byPath.exact || String(match.metadata?.path ?? '').startsWith(filters.path!))
      .slice(0, limit)
      .map((match) => ({ id: Number(match.id.slice(prefix.length)), score: match.score }));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new ApiError('upstream_error', 'Vectorize failed.', { internal: error });
    }
  }
}
