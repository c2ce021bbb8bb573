import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../src/code-index/store/embedded-vectors';
import { VectorizeVectorStore, vectorScope, VECTORIZE_METADATA_INDEXES } from '../../src/code-index/store/vectorize';
import type { VectorRecord, VectorStore } from '../../src/code-index/store/vector-store';
import type { RankedHit, SearchFilters } from '../../src/code-index/store/repo-index-store';
import { LocalVectorize } from '../../src/local/vectorize';

const DIMS = 8;

/** A unit vector mostly along axis `axis`, tilted by `tilt` towards the next one. */
function unit(axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(DIMS);
  v[axis % DIMS] = 1;
  v[(axis + 1) % DIMS] = tilt;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function record(id: number, path: string, vector: Float32Array, language = 'typescript'): VectorRecord {
  return { id, hash: `h${id}-${path}`, vector, path, language, startLine: 1, endLine: 2 };
}

/** Runs `work` against a fresh store of one kind; stores made with the same `shared` key see one backend, each its own scope. */
interface StoreKind {
  name: string;
  with<T>(scopes: string[], work: (stores: VectorStore[]) => Promise<T>): Promise<T>;
}

const embedded: StoreKind = {
  name: 'embedded (SQLite in the repository object)',
  async with(scopes, work) {
    // One repository object per scope, as in production: each scope is its own object.
    const results: VectorStore[] = [];
    const stubs = scopes.map((scope) =>
      env.REPO_INDEX!.get(env.REPO_INDEX!.idFromName(`contract-${crypto.randomUUID()}-${scope}`)),
    );
    // The stores live inside their objects; calls go through runInDurableObject.
    for (const stub of stubs) {
      results.push({
        kind: 'embedded',
        upsert: (records) =>
          runInDurableObject(stub, (_i, state) => new EmbeddedVectorStore(state.storage.sql, 'm').upsert(records)),
        remove: (ids) =>
          runInDurableObject(stub, (_i, state) => new EmbeddedVectorStore(state.storage.sql, 'm').remove(ids)),
        query: (vector, limit, filters) =>
          runInDurableObject(stub, (_i, state) =>
            new EmbeddedVectorStore(state.storage.sql, 'm').query(vector, limit, filters),
          ),
      });
    }
    return work(results);
  },
};

const vectorize: StoreKind = {
  name: 'Vectorize adapter against the local Vectorize API',
  async with(scopes, work) {
    // One shared index, as in production: every project, repository and branch writes into it.
    const index = new LocalVectorize(env.LOCAL_VECTORIZE!, {
      name: `contract-${crypto.randomUUID()}`,
      dimensions: DIMS,
      metric: 'cosine',
      metadataIndexes: [...VECTORIZE_METADATA_INDEXES],
    });
    const stores = await Promise.all(
      scopes.map(
        async (scope) =>
          new VectorizeVectorStore(
            index as unknown as Vectorize,
            await vectorScope('proj', { owner: 'acme', name: 'app', branch: scope }),
          ),
      ),
    );
    return work(stores);
  },
};

const ids = (hits: RankedHit[]) => hits.map((hit) => hit.id);

for (const kind of [embedded, vectorize]) {
  describe(`vector store contract: ${kind.name}`, () => {
    it('returns the exact top k by cosine, best first', async () => {
      await kind.with(['main'], async ([store]) => {
        await store!.upsert([
          record(1, 'src/a.ts', unit(0)),
          record(2, 'src/b.ts', unit(0, 0.5)),
          record(3, 'src/c.ts', unit(1)),
          record(4, 'src/d.ts', unit(0, 2)),
        ]);
        const hits = await store!.query(unit(0), 3, {});
        expect(ids(hits)).toEqual([1, 2, 4]);
        expect(hits[0]!.score).toBeCloseTo(1, 4);
        expect(hits[1]!.score).toBeGreaterThan(hits[2]!.score);
        expect(ids(await store!.query(unit(1), 1, {}))).toEqual([3]);
      });
    });

    it('filters by path prefix (directories at any depth, partial names, whole paths) and language', async () => {
      await kind.with(['main'], async ([store]) => {
        const deep = 'packages/core/src/runtime/reactivity/effect.ts';
        const long = `src/${'very-long-directory-name-'.repeat(4)}x/handler.ts`;
        await store!.upsert([
          record(1, 'src/billing/invoice.ts', unit(0)),
          record(2, 'src/billing.ts', unit(0, 0.1)),
          record(3, 'src/auth/session.ts', unit(0, 0.2)),
          record(4, deep, unit(0, 0.3)),
          record(5, long, unit(0, 0.4)),
          record(6, 'docs/guide.md', unit(0, 0.05), 'markdown'),
        ]);
        const q = (filters: SearchFilters) => store!.query(unit(0), 10, filters).then((hits) => ids(hits).sort());
        expect(await q({ path: 'src/billing/' })).toEqual([1]);
        expect(await q({ path: 'src/billing' })).toEqual([1, 2]);
        expect(await q({ path: 'src/' })).toEqual([1, 2, 3, 5]);
        expect(await q({ path: 'src/auth/session.ts' })).toEqual([3]);
        expect(await q({ path: 'packages/core/src/runtime/reactivity/' })).toEqual([4]);
        expect(await q({ path: 'packages/core/src/runtime/reac' })).toEqual([4]);
        expect(await q({ path: long.slice(0, long.lastIndexOf('/') + 1) })).toEqual([5]);
        expect(await q({ path: 'lib/' })).toEqual([]);
        expect(await q({ language: 'markdown' })).toEqual([6]);
        expect(await q({ path: 'src/', language: 'markdown' })).toEqual([]);
      });
    });

    it('replaces a vector on upsert and forgets it on remove', async () => {
      await kind.with(['main'], async ([store]) => {
        await store!.upsert([record(1, 'src/a.ts', unit(0)), record(2, 'src/b.ts', unit(1))]);
        await store!.upsert([record(1, 'lib/a.ts', unit(2))]);
        expect(ids(await store!.query(unit(2), 1, {}))).toEqual([1]);
        expect(ids(await store!.query(unit(0), 5, { path: 'src/' }))).toEqual([2]);
        await store!.remove([1]);
        expect(ids(await store!.query(unit(2), 5, {}))).toEqual([2]);
        await store!.remove([99]);
      });
    });

    it('keeps each scope (project, repository, branch) to itself, even with the same chunk ids', async () => {
      await kind.with(['main', 'feature'], async ([main, feature]) => {
        await main!.upsert([record(1, 'src/a.ts', unit(0))]);
        await feature!.upsert([record(1, 'src/a.ts', unit(3))]);
        const fromMain = await main!.query(unit(0), 5, {});
        expect(ids(fromMain)).toEqual([1]);
        expect(fromMain[0]!.score).toBeCloseTo(1, 4);
        const fromFeature = await feature!.query(unit(0), 5, {});
        expect(fromFeature.every((hit) => hit.score < 0.5)).toBe(true);
        await feature!.remove([1]);
        expect(ids(await main!.query(unit(0), 5, {}))).toEqual([1]);
      });
    });
  });
}

describe('embedded store: the int8 sketch', () => {
  it('finds the same top k as the exact scan, with exact scores, under filters, and stays within its budget', async () => {
    const stub = env.REPO_INDEX!.get(env.REPO_INDEX!.idFromName(`sketch-${crypto.randomUUID()}`));
    await runInDurableObject(stub, async (_i, state) => {
      const { VectorSketch } = await import('../../src/code-index/store/vector-sketch');
      const store = new EmbeddedVectorStore(state.storage.sql, 'm');
      // Deterministic pseudo-random unit vectors (a linear congruential generator).
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return (seed / 2 ** 31) * 2 - 1;
      };
      const dims = 64;
      const vector = () => {
        const v = Float32Array.from({ length: dims }, random);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      };
      store.upsertNow(
        Array.from({ length: 600 }, (_, i) => record(i + 1, `src/${i % 3 === 0 ? 'a' : 'b'}/f${i}.ts`, vector())),
      );
      const sketch = VectorSketch.build(state.storage.sql, 'm')!;
      expect(sketch.dimensions).toBe(dims);
      expect(VectorSketch.build(state.storage.sql, 'm', 600 * dims - 1)).toBeNull();
      for (let q = 0; q < 5; q++) {
        const query = vector();
        for (const filters of [{}, { path: 'src/a/' }]) {
          const exact = store.search(query, 10, filters);
          const sketched = store.search(query, 10, filters, sketch);
          expect(sketched.map((h) => h.id)).toEqual(exact.map((h) => h.id));
          for (const [i, hit] of sketched.entries()) expect(hit.score).toBeCloseTo(exact[i]!.score, 5);
        }
      }
    });
  });
});
