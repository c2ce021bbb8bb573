import type { LocalIndexConfig, LocalVector, LocalVectorizeObject, MetadataIndexType } from './vectorize-object';

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

  private created(): Promise<void> {
    this.ready ??= (async () => {
      await this.stub.create({ dimensions: this.index.dimensions, metric: this.index.metric });
      for (const meta of this.index.metadataIndexes) await this.stub.createMetadataIndex(meta.property, meta.type);
    })();
    return this.ready;
  }

  async describe(): Promise<VectorizeIndexInfo> {
    await this.created();
    return this.stub.describe();
  }

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    await this.created();
    const returnMetadata = options.returnMetadata === true ? 'all' : options.returnMetadata === false || options.returnMetadata === undefined ? 'none' : options.returnMetadata;
    const result = await this.stub.query(toArray(vector), {
      topK: options.topK ?? 5,
      namespace: options.namespace,
      returnValues: options.returnValues ?? false,
      returnMetadata,
      filter: options.filter as Record<string, unknown> | undefined,
    });
    return result as VectorizeMatches;
  }

  async queryById(vectorId: string, options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    const [found] = await this.getByIds([vectorId]);
    if (!found) return { matches: [], count: 0 };
    return this.query(found.values, options);
  }

  private plain(vectors: VectorizeVector[]): LocalVector[] {
    return vectors.map((v) => ({ id: v.id, values: toArray(v.values), namespace: v.namespace, metadata: v.metadata as Record<string, unknown> | undefined }));
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    await this.created();
    return this.stub.insert(this.plain(vectors));
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    await this.created();
    return this.stub.upsert(this.plain(vectors));
  }

  async deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    await this.created();
    return this.stub.deleteByIds(ids);
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    await this.created();
    return (await this.stub.getByIds(ids)) as VectorizeVector[];
  }
}
