import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LocalVectorize } from '../../src/local/vectorize';
import type { MetadataIndexType } from '../../src/local/vectorize-object';

function index(metadataIndexes: { property: string; type: MetadataIndexType }[] = [], dimensions = 3): Vectorize {
  return new LocalVectorize(env.LOCAL_VECTORIZE!, {
    name: `t-${crypto.randomUUID()}`,
    dimensions,
    metric: 'cosine',
    metadataIndexes,
  }) as unknown as Vectorize;
}

describe('local Vectorize binding: the documented API', () => {
  it('inserts without overwriting, upserts replacing whole, reads and deletes by id, describes itself', async () => {
    const vi = index();
    expect(await vi.insert([{ id: 'a', values: [1, 0, 0], metadata: { n: 1 } }])).toHaveProperty('mutationId');
    await vi.insert([
      { id: 'a', values: [0, 1, 0] },
      { id: 'b', values: [0, 1, 0] },
    ]);
    expect((await vi.getByIds(['a']))[0]).toMatchObject({ id: 'a', values: [1, 0, 0], metadata: { n: 1 } });
    await vi.upsert([{ id: 'a', values: [0, 0, 1], namespace: 'ns' }]);
    const [a] = await vi.getByIds(['a']);
    expect(a).toEqual({ id: 'a', values: [0, 0, 1], namespace: 'ns' });
    expect(await vi.describe()).toMatchObject({ vectorCount: 2, dimensions: 3 });
    await vi.deleteByIds(['a', 'missing']);
    expect(await vi.getByIds(['a', 'b'])).toHaveLength(1);
    expect((await vi.describe()).vectorCount).toBe(1);
  });

  it('queries by cosine with topK, namespace, returnValues and the returnMetadata levels', async () => {
    const vi = index([{ property: 'kind', type: 'string' }]);
    await vi.upsert([
      { id: 'x', values: [1, 0, 0], namespace: 'one', metadata: { kind: 'fn', note: 'not indexed' } },
      { id: 'y', values: [1, 1, 0], namespace: 'one', metadata: { kind: 'class' } },
      { id: 'z', values: [1, 0, 0], namespace: 'two', metadata: { kind: 'fn' } },
    ]);
    const all = await vi.query([1, 0, 0], { topK: 3 });
    expect(all.count).toBe(3);
    expect(
      all.matches
        .map((m) => m.id)
        .slice(0, 2)
        .sort(),
    ).toEqual(['x', 'z']);
    expect(all.matches[2]).toMatchObject({ id: 'y' });
    expect(all.matches[2]!.score).toBeCloseTo(Math.SQRT1_2, 5);
    expect(all.matches[0]).not.toHaveProperty('values');
    expect(all.matches[0]).not.toHaveProperty('metadata');
    const inOne = await vi.query([1, 0, 0], {
      topK: 5,
      namespace: 'one',
      returnValues: true,
      returnMetadata: 'indexed',
    });
    expect(inOne.matches.map((m) => m.id)).toEqual(['x', 'y']);
    expect(inOne.matches[0]).toMatchObject({ values: [1, 0, 0], metadata: { kind: 'fn' } });
    expect(inOne.matches[0]!.metadata).not.toHaveProperty('note');
    const full = await vi.query([1, 0, 0], { topK: 1, namespace: 'one', returnMetadata: 'all' });
    expect(full.matches[0]!.metadata).toEqual({ kind: 'fn', note: 'not indexed' });
    expect((await vi.query([1, 0, 0], { topK: 1, returnMetadata: true })).matches[0]).toHaveProperty('metadata');
    expect((await vi.query([1, 0, 0])).matches).toHaveLength(3); // topK defaults to 5
  });

  it('enforces the limits: dimensions, topK (100, or 50 with values or all metadata), id length', async () => {
    const vi = index();
    await expect(vi.upsert([{ id: 'a', values: [1, 0] }])).rejects.toThrow(/dimensions/);
    await expect(vi.upsert([{ id: 'x'.repeat(65), values: [1, 0, 0] }])).rejects.toThrow(/id/);
    await expect(vi.query([1, 0], { topK: 1 })).rejects.toThrow(/dimensions/);
    await expect(vi.query([1, 0, 0], { topK: 101 })).rejects.toThrow(/topK/);
    await expect(vi.query([1, 0, 0], { topK: 51, returnValues: true })).rejects.toThrow(/topK/);
    await expect(vi.query([1, 0, 0], { topK: 51, returnMetadata: 'all' })).rejects.toThrow(/topK/);
    expect((await vi.query([1, 0, 0], { topK: 100, returnMetadata: 'indexed' })).matches).toEqual([]);
  });

  it('filters only on properties with a metadata index, with the operators, on the first 64 bytes of strings', async () => {
    const vi = index([
      { property: 'lang', type: 'string' },
      { property: 'size', type: 'number' },
      { property: 'path', type: 'string' },
    ]);
    const longA = `src/${'a'.repeat(70)}/one.ts`;
    const longB = `src/${'a'.repeat(70)}/two.ts`;
    await vi.upsert([
      { id: '1', values: [1, 0, 0], metadata: { lang: 'ts', size: 10, path: longA, owner: 'x' } },
      { id: '2', values: [1, 0, 0], metadata: { lang: 'go', size: 20, path: longB, owner: 'x' } },
      { id: '3', values: [1, 0, 0], metadata: { lang: 'ts', size: 30, path: 'lib/three.ts', owner: 'y' } },
    ]);
    const ids = async (filter: VectorizeVectorMetadataFilter) =>
      (await vi.query([1, 0, 0], { topK: 10, filter })).matches.map((m) => m.id).sort();
    expect(await ids({ lang: 'ts' })).toEqual(['1', '3']);
    expect(await ids({ lang: { $ne: 'ts' } })).toEqual(['2']);
    expect(await ids({ size: { $gte: 20, $lt: 30 } })).toEqual(['2']);
    expect(await ids({ lang: { $in: ['go', 'rs'] } })).toEqual(['2']);
    expect(await ids({ lang: { $nin: ['go'] }, size: { $gt: 10 } })).toEqual(['3']);
    // Not indexed: nothing matches, as in Vectorize (this is why the adapter never filters on path).
    expect(await ids({ owner: 'x' })).toEqual([]);
    // A string index sees 64 bytes: two long paths that differ later are the same to a filter.
    expect(await ids({ path: longA })).toEqual(['1', '2']);
    const indexed = await vi.query([1, 0, 0], { topK: 1, filter: { lang: 'go' }, returnMetadata: 'indexed' });
    expect(indexed.matches[0]!.metadata).toEqual({ lang: 'go', size: 20, path: longB.slice(0, 64) });
    await expect(vi.query([1, 0, 0], { topK: 1, filter: { lang: { $regex: 'x' } as never } })).rejects.toThrow(
      /operator/,
    );
  });

  it('indexes metadata only for vectors written after the metadata index exists', async () => {
    const name = `t-${crypto.randomUUID()}`;
    const before = new LocalVectorize(env.LOCAL_VECTORIZE!, {
      name,
      dimensions: 3,
      metric: 'cosine',
      metadataIndexes: [],
    }) as unknown as Vectorize;
    await before.upsert([{ id: 'old', values: [1, 0, 0], metadata: { lang: 'ts' } }]);
    const after = new LocalVectorize(env.LOCAL_VECTORIZE!, {
      name,
      dimensions: 3,
      metric: 'cosine',
      metadataIndexes: [{ property: 'lang', type: 'string' }],
    }) as unknown as Vectorize;
    await after.upsert([{ id: 'new', values: [1, 0, 0], metadata: { lang: 'ts' } }]);
    expect((await after.query([1, 0, 0], { topK: 5, filter: { lang: 'ts' } })).matches.map((m) => m.id)).toEqual([
      'new',
    ]);
  });
});
