import { LocalHashingEmbedder } from '../code-index/embedding/embedder';

/** The text-embedding models this stand-in answers for, with their output widths. */
export const LOCAL_AI_EMBEDDING_MODELS: Record<string, number> = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-large-en-v1.5': 1024,
};

/** Workers AI takes at most this many texts per embedding call. */
const MAX_TEXTS = 100;

/**
 * `env.AI.run(model, { text })` for the bge embedding models, answering their documented
 * shape `{ shape: [n, dims], data: number[][], pooling }`. The vectors come from feature
 * hashing (deterministic, offline), scaled so callers must normalise them themselves as
 * they would the model's. Unknown models and bad inputs fail as the binding does: with
 * an error thrown from `run`. Used by `npm run dev` and the tests, never in production.
 */
export class LocalWorkersAi {
  async run(
    model: string,
    input: { text: string | string[]; pooling?: 'mean' | 'cls' },
  ): Promise<{ shape: number[]; data: number[][]; pooling: 'mean' | 'cls' }> {
    const dimensions = LOCAL_AI_EMBEDDING_MODELS[model];
    if (!dimensions) throw new Error(`AiError: 5007: No such model ${model} or task`);
    const texts = typeof input?.text === 'string' ? [input.text] : input?.text;
    if (!Array.isArray(texts) || texts.length === 0 || texts.some((t) => typeof t !== 'string')) {
      throw new Error(
        "AiError: 5006: Error: required properties at '/' are 'text'; text must be a string or a non-empty list of strings",
      );
    }
    if (texts.length > MAX_TEXTS) throw new Error(`AiError: 5006: Error: text must have at most ${MAX_TEXTS} items`);
    const embedder = new LocalHashingEmbedder(dimensions);
    const data = texts.map((text) => Array.from(embedder.embedOne(text), (v) => v * 3));
    return { shape: [data.length, dimensions], data, pooling: input.pooling ?? 'mean' };
  }
}
