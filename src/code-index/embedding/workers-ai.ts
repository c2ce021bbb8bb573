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

/**
 * Embeddings from Workers AI (`AI` binding). Untested here: Workers AI cannot run locally,
 * so this adapter is exercised only in a deployed Worker.
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
      let result: { data?: number[][] };
      try {
        result = (await this.ai.run(this.model, { text: batch })) as { data?: number[][] };
      } catch (error) {
        throw new ApiError('upstream_error', 'Workers AI failed to embed the batch.', { internal: error });
      }
      if (!result.data || result.data.length !== batch.length) throw new ApiError('upstream_error', 'Workers AI returned an unexpected embedding shape.');
      for (const vector of result.data) out.push(normalise(Float32Array.from(vector)));
    }
    return out;
  }
}
