import { DurableObject } from 'cloudflare:workers';
import {
  INDEXED_STRING_BYTES,
  MAX_ID_BYTES,
  MAX_METADATA_BYTES,
  MAX_METADATA_INDEXES,
  MAX_NAMESPACE_BYTES,
  bytes,
  fail,
  matchesField,
  truncateUtf8,
  validateFilter,
  type Scalar,
} from './vectorize-rules';

/** How the local index was created (`wrangler vectorize create --dimensions --metric`). */
export interface LocalIndexConfig {
  dimensions: number;
  metric: 'cosine' | 'euclidean' | 'dot-product';
}

export type MetadataIndexType = 'string' | 'number' | 'boolean';
type Metadata = Record<string, unknown>;

export interface LocalVector {
  id: string;
  values: number[];
  namespace?: string;
  metadata?: Metadata;
}

export interface LocalQuery {
  topK: number;
  namespace?: string;
  returnValues: boolean;
  returnMetadata: 'none' | 'indexed' | 'all';
  filter?: Record<string, unknown>;
}

/** The binding calls LocalVectorize forwards. */
export type LocalOperation =
  | 'create'
  | 'createMetadataIndex'
  | 'upsert'
  | 'insert'
  | 'deleteByIds'
  | 'getByIds'
  | 'describe'
  | 'query';

export interface LocalMatch {
  id: string;
  score: number;
  namespace?: string;
  values?: number[];
  metadata?: Metadata;
}

/** Vectors scored per page, so a query holds a bounded slice of the index at once. */
const PAGE = 512;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS config (id INTEGER PRIMARY KEY CHECK (id = 1), dimensions INTEGER NOT NULL, metric TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS metadata_indexes (property TEXT PRIMARY KEY, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, namespace TEXT, vals BLOB NOT NULL, metadata TEXT, indexed TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS vectors_by_namespace ON vectors(namespace, seq);
CREATE TABLE IF NOT EXISTS mutations (n INTEGER PRIMARY KEY CHECK (n = 1), count INTEGER NOT NULL, at INTEGER NOT NULL);
`;

/**
 * One Vectorize index on this machine, with the binding's documented behaviour: a fixed
 * dimension and metric, namespaces, metadata filters that see only properties with a
 * metadata index (created before the vectors were written; strings cut to 64 bytes),
 * `returnMetadata` levels and the topK limits. Mutations apply at once (the real service
 * applies them asynchronously). Used by `npm run dev` and the tests, never in production.
 */
export class LocalVectorizeObject extends DurableObject {
  private readonly sql: SqlStorage;
  /** Injected failures (tests): operation → how many more calls fail. Scoped to this index. */
  private readonly faults = new Map<string, number>();

  /**
   * One binding call, answering its failure as a value: an exception thrown across RPC is
   * also reported by workerd as uncaught, and the caller (LocalVectorize) rethrows it anyway.
   */
  call(operation: LocalOperation, args: unknown[]): { ok: true; value: unknown } | { ok: false; error: string } {
    try {
      const method = this[operation] as (...a: unknown[]) => unknown;
      return { ok: true, value: method.apply(this, args) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Make the next `times` calls of `operation` fail as the service would (tests of the callers' recovery). */
  failNext(operation: 'upsert' | 'insert' | 'deleteByIds' | 'query' | 'getByIds', times: number): void {
    this.faults.set(operation, times);
  }

  private injected(operation: string): void {
    const left = this.faults.get(operation) ?? 0;
    if (left <= 0) return;
    this.faults.set(operation, left - 1);
    throw new Error(`VECTOR_${operation.toUpperCase()}_ERROR: injected failure (local Vectorize)`);
  }

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** `wrangler vectorize create`: the first call fixes the dimensions and metric; a different later one is refused. */
  create(config: LocalIndexConfig): void {
    const existing = this.config();
    if (existing && (existing.dimensions !== config.dimensions || existing.metric !== config.metric)) {
      fail(
        'CREATE',
        `index exists with ${existing.dimensions} dimensions (${existing.metric}), not ${config.dimensions} (${config.metric})`,
      );
    }
    if (!existing)
      this.sql.exec('INSERT INTO config (id, dimensions, metric) VALUES (1, ?, ?)', config.dimensions, config.metric);
  }

  /** `wrangler vectorize create-metadata-index`: covers vectors written from now on. */
  createMetadataIndex(property: string, type: MetadataIndexType): void {
    const count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM metadata_indexes').one().n;
    const exists = this.sql.exec('SELECT 1 FROM metadata_indexes WHERE property = ?', property).toArray().length > 0;
    if (!exists && count >= MAX_METADATA_INDEXES)
      fail('CREATE', `at most ${MAX_METADATA_INDEXES} metadata indexes per index`);
    this.sql.exec(
      'INSERT INTO metadata_indexes (property, type) VALUES (?, ?) ON CONFLICT(property) DO UPDATE SET type = excluded.type',
      property,
      type,
    );
  }

  private config(): LocalIndexConfig | null {
    const row = this.sql
      .exec<{ dimensions: number; metric: string }>('SELECT dimensions, metric FROM config WHERE id = 1')
      .toArray()[0];
    return row ? { dimensions: row.dimensions, metric: row.metric as LocalIndexConfig['metric'] } : null;
  }

  private requireConfig(operation: string): LocalIndexConfig {
    return this.config() ?? fail(operation, 'the index does not exist (create it first)');
  }

  private metadataIndexes(): Map<string, MetadataIndexType> {
    return new Map(
      this.sql
        .exec<{ property: string; type: string }>('SELECT property, type FROM metadata_indexes')
        .toArray()
        .map((row) => [row.property, row.type as MetadataIndexType]),
    );
  }

  private mutation(): string {
    this.sql.exec(
      'INSERT INTO mutations (n, count, at) VALUES (1, 1, ?) ON CONFLICT(n) DO UPDATE SET count = count + 1, at = excluded.at',
      Date.now(),
    );
    return crypto.randomUUID();
  }

  /** The values the metadata indexes hold for this vector, as they were when it was written. */
  private indexedValues(
    metadata: Metadata | undefined,
    indexes: Map<string, MetadataIndexType>,
  ): Record<string, Scalar> {
    const out: Record<string, Scalar> = {};
    if (!metadata) return out;
    for (const [property, type] of indexes) {
      const value = metadata[property];
      if (type === 'string' && typeof value === 'string') out[property] = truncateUtf8(value, INDEXED_STRING_BYTES);
      else if (type === 'number' && typeof value === 'number') out[property] = value;
      else if (type === 'boolean' && typeof value === 'boolean') out[property] = value;
    }
    return out;
  }

  private write(operation: 'UPSERT' | 'INSERT', vectors: LocalVector[]): { mutationId: string; written: number } {
    const config = this.requireConfig(operation);
    const indexes = this.metadataIndexes();
    for (const vector of vectors) {
      if (typeof vector.id !== 'string' || !vector.id || bytes(vector.id) > MAX_ID_BYTES)
        fail(operation, `vector id must be 1-${MAX_ID_BYTES} bytes`);
      if (vector.values.length !== config.dimensions)
        fail(
          operation,
          `vector ${vector.id} has ${vector.values.length} dimensions, the index has ${config.dimensions}`,
        );
      if (vector.values.some((v) => !Number.isFinite(v)))
        fail(operation, `vector ${vector.id} has a value that is not a finite number`);
      if (vector.namespace !== undefined && bytes(vector.namespace) > MAX_NAMESPACE_BYTES)
        fail(operation, `namespace must be at most ${MAX_NAMESPACE_BYTES} bytes`);
      if (vector.metadata && bytes(JSON.stringify(vector.metadata)) > MAX_METADATA_BYTES)
        fail(operation, `metadata of ${vector.id} exceeds ${MAX_METADATA_BYTES} bytes`);
    }
    let written = 0;
    this.ctx.storage.transactionSync(() => {
      for (const vector of vectors) {
        const exists = this.sql.exec('SELECT 1 FROM vectors WHERE id = ?', vector.id).toArray().length > 0;
        // insert keeps an existing vector; upsert replaces it whole (values, namespace and metadata).
        if (exists && operation === 'INSERT') continue;
        if (exists) this.sql.exec('DELETE FROM vectors WHERE id = ?', vector.id);
        const values = Float32Array.from(vector.values);
        this.sql.exec(
          'INSERT INTO vectors (id, namespace, vals, metadata, indexed) VALUES (?, ?, ?, ?, ?)',
          vector.id,
          vector.namespace ?? null,
          values.buffer,
          vector.metadata ? JSON.stringify(vector.metadata) : null,
          JSON.stringify(this.indexedValues(vector.metadata, indexes)),
        );
        written++;
      }
    });
    return { mutationId: this.mutation(), written };
  }

  upsert(vectors: LocalVector[]): { mutationId: string } {
    this.injected('upsert');
    return { mutationId: this.write('UPSERT', vectors).mutationId };
  }

  insert(vectors: LocalVector[]): { mutationId: string } {
    this.injected('insert');
    return { mutationId: this.write('INSERT', vectors).mutationId };
  }

  deleteByIds(ids: string[]): { mutationId: string } {
    this.injected('deleteByIds');
    this.requireConfig('DELETE');
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      this.sql.exec(`DELETE FROM vectors WHERE id IN (${slice.map(() => '?').join(',')})`, ...slice);
    }
    return { mutationId: this.mutation() };
  }

  getByIds(ids: string[]): LocalVector[] {
    this.injected('getByIds');
    this.requireConfig('GET');
    const out: LocalVector[] = [];
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      for (const row of this.sql.exec<{
        id: string;
        namespace: string | null;
        vals: ArrayBuffer;
        metadata: string | null;
      }>(
        `SELECT id, namespace, vals, metadata FROM vectors WHERE id IN (${slice.map(() => '?').join(',')})`,
        ...slice,
      )) {
        out.push({
          id: row.id,
          values: Array.from(new Float32Array(row.vals)),
          ...(row.namespace !== null ? { namespace: row.namespace } : {}),
          ...(row.metadata ? { metadata: JSON.parse(row.metadata) as Metadata } : {}),
        });
      }
    }
    return out;
  }

  describe(): {
    vectorCount: number;
    dimensions: number;
    processedUpToDatetime: number;
    processedUpToMutation: number;
  } {
    const config = this.requireConfig('DESCRIBE');
    const count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM vectors').one().n;
    const mutations = this.sql
      .exec<{ count: number; at: number }>('SELECT count, at FROM mutations WHERE n = 1')
      .toArray()[0];
    return {
      vectorCount: count,
      dimensions: config.dimensions,
      processedUpToDatetime: mutations?.at ?? 0,
      processedUpToMutation: mutations?.count ?? 0,
    };
  }

  query(vector: number[], options: LocalQuery): { matches: LocalMatch[]; count: number } {
    this.injected('query');
    const config = this.requireConfig('QUERY');
    if (vector.length !== config.dimensions)
      fail('QUERY', `query vector has ${vector.length} dimensions, the index has ${config.dimensions}`);
    // topK: up to 100, or 50 when values or all metadata are returned.
    const maxTopK = options.returnValues || options.returnMetadata === 'all' ? 50 : 100;
    if (!Number.isInteger(options.topK) || options.topK < 1 || options.topK > maxTopK)
      fail('QUERY', `topK must be 1-${maxTopK} with these return options, not ${options.topK}`);
    if (options.filter) validateFilter(options.filter);
    const query = Float32Array.from(vector);
    let queryNorm = 0;
    for (const v of query) queryNorm += v * v;
    queryNorm = Math.sqrt(queryNorm);
    const best: { seq: number; score: number }[] = [];
    let after = 0;
    for (;;) {
      const page = this.sql
        .exec<{ seq: number; vals: ArrayBuffer; indexed: string }>(
          options.namespace === undefined
            ? 'SELECT seq, vals, indexed FROM vectors WHERE seq > ? ORDER BY seq LIMIT ?'
            : 'SELECT seq, vals, indexed FROM vectors WHERE namespace = ? AND seq > ? ORDER BY seq LIMIT ?',
          ...(options.namespace === undefined ? [after, PAGE] : [options.namespace, after, PAGE]),
        )
        .toArray();
      for (const row of page) {
        if (options.filter) {
          const indexed = JSON.parse(row.indexed) as Record<string, Scalar>;
          if (!Object.entries(options.filter).every(([field, condition]) => matchesField(indexed[field], condition)))
            continue;
        }
        const score = this.score(new Float32Array(row.vals), query, queryNorm, config.metric);
        best.push({ seq: row.seq, score });
      }
      if (best.length > options.topK * 4) this.keepBest(best, options.topK, config.metric);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    this.keepBest(best, options.topK, config.metric);
    const matches: LocalMatch[] = [];
    for (const hit of best) {
      const row = this.sql
        .exec<{ id: string; namespace: string | null; vals: ArrayBuffer; metadata: string | null; indexed: string }>(
          'SELECT id, namespace, vals, metadata, indexed FROM vectors WHERE seq = ?',
          hit.seq,
        )
        .one();
      const metadata =
        options.returnMetadata === 'all'
          ? row.metadata
            ? (JSON.parse(row.metadata) as Metadata)
            : {}
          : options.returnMetadata === 'indexed'
            ? (JSON.parse(row.indexed) as Metadata)
            : undefined;
      matches.push({
        id: row.id,
        score: hit.score,
        ...(row.namespace !== null ? { namespace: row.namespace } : {}),
        ...(options.returnValues ? { values: Array.from(new Float32Array(row.vals)) } : {}),
        ...(metadata ? { metadata } : {}),
      });
    }
    return { matches, count: matches.length };
  }

  private score(
    values: Float32Array,
    query: Float32Array,
    queryNorm: number,
    metric: LocalIndexConfig['metric'],
  ): number {
    let dot = 0;
    let norm = 0;
    let distance = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const q = query[i]!;
      dot += v * q;
      norm += v * v;
      distance += (v - q) * (v - q);
    }
    if (metric === 'dot-product') return dot;
    if (metric === 'euclidean') return Math.sqrt(distance);
    return norm && queryNorm ? dot / (Math.sqrt(norm) * queryNorm) : 0;
  }

  /** Closest first: highest similarity, or smallest distance for euclidean. */
  private keepBest(best: { seq: number; score: number }[], topK: number, metric: LocalIndexConfig['metric']): void {
    best.sort((a, b) => (metric === 'euclidean' ? a.score - b.score : b.score - a.score) || a.seq - b.seq);
    best.length = Math.min(best.length, topK);
  }
}
