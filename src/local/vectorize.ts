import type {
  LocalIndexConfig,
  LocalOperation,
  LocalVector,
  LocalVectorizeObject,
  MetadataIndexType,
} from './vectorize-object';

export interface LocalVectorizeIndex extends LocalIndexConfig {
  /** The index name (`wrangler vectorize create <name>`): one local object per name. */
  name: string;
  /** Metadata indexes to create with the index (`wrangler vectorize create-metadata-index`). */
  metadataIndexes: { property: string; type: MetadataIndexType }[];
}

const toArray = (values: VectorFloatArray | number[]) => Array.from(values as ArrayLike<number>);

/**
 * The `Vectorize` binding's API over a LocalVectorizeObject: the same calls, option
 * defaults and answer shapes as `env.VECTORIZE`, so the production adapter runs
 * unchanged against it. The index and its metadata indexes are created on first use.
 */
export class LocalVectorize {
  private ready: Promise<void> | null = null;
  private readonly stub: DurableObjectStub<LocalVectorizeObject>;

  constructor(
    namespace: DurableObjectNamespace<LocalVectorizeObject>,
    private readonly index: LocalVectorizeIndex,
  ) {
    this.stub = namespace.get(namespace.idFromName(index.name));
  }

  /** Forward one call; the object answers failures as values, thrown here as the binding throws them. */
  private async call<T>(operation: LocalOperation, ...args: unknown[]): Promise<T> {
    const result = (await this.stub.call(operation, args)) as
      | { ok: true; value: unknown }
      | { ok: false; error: string };
    if (!result.ok) throw new Error(result.error);
    return result.value as T;
  }

  private created(): Promise<void> {
    this.ready ??= (async () => {
      await this.call('create', { dimensions: this.index.dimensions, metric: this.index.metric });
      for (const meta of this.index.metadataIndexes) await this.call('createMetadataIndex', meta.property, meta.type);
    })();
    return this.ready;
  }

  async describe(): Promise<VectorizeIndexInfo> {
    await this.created();
    return this.call<VectorizeIndexInfo>('describe');
  }

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    await this.created();
    const returnMetadata =
      options.returnMetadata === true
        ? 'all'
        : options.returnMetadata === false || options.returnMetadata === undefined
          ? 'none'
          : options.returnMetadata;
    return this.call<VectorizeMatches>('query', toArray(vector), {
      topK: options.topK ?? 5,
      namespace: options.namespace,
      returnValues: options.returnValues ?? false,
      returnMetadata,
      filter: options.filter as Record<string, unknown> | undefined,
    });
  }

  async queryById(vectorId: string, options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    const [found] = await this.getByIds([vectorId]);
    if (!found) return { matches: [], count: 0 };
    return this.query(found.values, options);
  }

  private plain(vectors: VectorizeVector[]): LocalVector[] {
    return vectors.map((v) => ({
      id: v.id,
      values: toArray(v.values),
      namespace: v.namespace,
      metadata: v.metadata as Record<string, unknown> | undefined,
    }));
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    await this.created();
    return this.call<VectorizeAsyncMutation>('insert', this.plain(vectors));
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    await this.created();
    return this.call<VectorizeAsyncMutation>('upsert', this.plain(vectors));
  }

  async deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    await this.created();
    return this.call<VectorizeAsyncMutation>('deleteByIds', ids);
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    await this.created();
    return this.call<VectorizeVector[]>('getByIds', ids);
  }
}
