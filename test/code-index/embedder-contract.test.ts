import { describe, expect, inject, it } from 'vitest';
import { LocalHashingEmbedder, type Embedder } from '../../src/code-index/embedding/embedder';
import { OpenAIEmbedder } from '../../src/code-index/embedding/openai';
import { WorkersAiEmbedder } from '../../src/code-index/embedding/workers-ai';
import { LocalWorkersAi } from '../../src/local/workers-ai';

interface EmbedderKind {
  name: string;
  make(): Embedder;
  /** One that fails at its backend (the local embedder has none). */
  broken?: () => Embedder;
}

const kinds: EmbedderKind[] = [
  { name: 'local hashing', make: () => new LocalHashingEmbedder(64) },
  {
    name: 'OpenAI against an OpenAI-compatible server',
    make: () => {
      const server = inject('openaiEmbeddings');
      return new OpenAIEmbedder({
        apiKey: server.apiKey,
        model: 'text-embedding-3-small',
        baseUrl: server.url,
        dimensions: 64,
        batchSize: 4,
      });
    },
    broken: () =>
      new OpenAIEmbedder({
        apiKey: 'wrong-key-123456',
        model: 'text-embedding-3-small',
        baseUrl: inject('openaiEmbeddings').url,
        dimensions: 64,
      }),
  },
  {
    name: 'Workers AI against the local env.AI.run',
    make: () => new WorkersAiEmbedder(new LocalWorkersAi(), '@cf/baai/bge-small-en-v1.5'),
    broken: () => new WorkersAiEmbedder(new LocalWorkersAi(), '@cf/baai/no-such-model'),
  },
];

const dot = (x: Float32Array, y: Float32Array) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);

for (const kind of kinds) {
  describe(`embedder contract: ${kind.name}`, () => {
    it('returns one unit vector of its dimensions per text, in order, across batches, deterministically', async () => {
      const embedder = kind.make();
      const texts = Array.from(
        { length: embedder.batchSize + 3 },
        (_, i) => `function handler${i}(input) { return input * ${i}; }`,
      );
      const vectors = await embedder.embed(texts);
      expect(vectors).toHaveLength(texts.length);
      for (const vector of vectors) {
        expect(vector).toBeInstanceOf(Float32Array);
        expect(vector.length).toBe(embedder.dimensions);
        expect(dot(vector, vector)).toBeCloseTo(1, 4);
      }
      const again = await embedder.embed([texts[texts.length - 1]!, texts[0]!]);
      expect(Array.from(again[0]!)).toEqual(Array.from(vectors[texts.length - 1]!));
      expect(Array.from(again[1]!)).toEqual(Array.from(vectors[0]!));
      expect(embedder.id).toMatch(/\S/);
    });

    it('embeds nothing for no texts', async () => {
      expect(await kind.make().embed([])).toEqual([]);
    });

    const broken = kind.broken;
    if (broken) {
      it('reports a failing backend as an upstream error', async () => {
        await expect(broken().embed(['x'])).rejects.toMatchObject({ code: 'upstream_error' });
      });
    }
  });
}

describe('local Workers AI: the bge models’ documented answer', () => {
  it('answers { shape, data, pooling } and refuses unknown models and bad input', async () => {
    const ai = new LocalWorkersAi();
    const out = await ai.run('@cf/baai/bge-base-en-v1.5', { text: ['a', 'b'] });
    expect(out.shape).toEqual([2, 768]);
    expect(out.data).toHaveLength(2);
    expect(out.data[0]).toHaveLength(768);
    expect(out.pooling).toBe('mean');
    expect((await ai.run('@cf/baai/bge-small-en-v1.5', { text: 'one' })).shape).toEqual([1, 384]);
    await expect(ai.run('@cf/baai/unknown', { text: ['a'] })).rejects.toThrow(/No such model/);
    await expect(ai.run('@cf/baai/bge-small-en-v1.5', { text: [] })).rejects.toThrow(/text/);
    await expect(
      ai.run('@cf/baai/bge-small-en-v1.5', { text: Array.from({ length: 101 }, () => 'x') }),
    ).rejects.toThrow(/at most 100/);
  });
});
