import { ApiError } from '../../errors';
import { normalise, type Embedder } from './embedder';

/** The slice of the Workers AI binding this adapter uses. */
export interface WorkersAiBinding {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

const DIMENSIONS: Record<string, number> = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-large-en-v1.5': 1024,
};

/** What the bge embedding models answer: `shape` is [texts, dimensions], `data` one vector per text. */
interface EmbeddingOutput {
  shape?: number[];
  data?: number[][];
}

/**
 * Embeddings from Workers AI (`AI` binding). Locally and in tests it runs against the
 * local implementation of `env.AI.run` (src/local/workers-ai.ts), which answers the same shape.
 */
export class WorkersAiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly batchSize = 100;

  constructor(
    private readonly ai: WorkersAiBinding,
    private readonly model = '@cf/baai/bge-small-en-v1.5',
  ) {
    this.dimensions = DIMENSIONS[model] ?? 384;
    this.id = `workers-ai:${model}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      let result: EmbeddingOutput;
      try {
        result = (await this.ai.run(this.model, { text: batch })) as EmbeddingOutput;
      } catch (error) {
        throw new ApiError('upstream_error', 'Workers AI failed to embed the batch.', { internal: error });
      }
      const data = result?.data;
      const shapeOk = !result?.shape || (result.shape[0] === batch.length && result.shape[1] === this.dimensions);
      if (!Array.isArray(data) || data.length !== batch.length || !shapeOk)
        throw new ApiError('upstream_error', 'Workers AI returned an unexpected embedding shape.');
      for (const vector of data) {
        if (vector.length !== this.dimensions)
          throw new ApiError(
            'upstream_error',
            `The embedding model returned ${vector.length} dimensions, expected ${this.dimensions}.`,
          );
        out.push(normalise(Float32Array.from(vector)));
      }
    }
    return out;
  }
}
