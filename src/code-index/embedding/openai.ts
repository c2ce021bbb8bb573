import OpenAI from 'openai';
import { ApiError } from '../../errors';
import { normalise, type Embedder } from './embedder';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  model: string;
  baseUrl?: string;
  /** Ask the model for shorter vectors (text-embedding-3-*), when set. */
  dimensions?: number;
  batchSize?: number;
}

/** Embeddings from OpenAI or any server speaking its `/embeddings` shape (`OPENAI_BASE_URL`). */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly batchSize: number;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 1, timeout: 60_000 });
    this.dimensions = options.dimensions ?? (options.model === 'text-embedding-3-large' ? 3072 : 1536);
    this.batchSize = options.batchSize ?? 96;
    this.id = `openai:${options.model}:${this.dimensions}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      let data: { index: number; embedding: number[] }[];
      try {
        const response = await this.client.embeddings.create({
          model: this.options.model,
          input: batch,
          encoding_format: 'float',
          ...(this.options.dimensions ? { dimensions: this.options.dimensions } : {}),
        });
        data = response.data;
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 429)
          throw new ApiError('rate_limited', 'The embedding service rate-limited the request.', {
            extra: { retryAfter: 30 },
            internal: error,
          });
        if (status === undefined)
          throw new ApiError('upstream_unavailable', 'The embedding service could not be reached.', {
            internal: error,
          });
        throw new ApiError('upstream_error', `The embedding service answered ${status}.`, { internal: error });
      }
      if (data.length !== batch.length)
        throw new ApiError(
          'upstream_error',
          'The embedding service returned a different number of vectors than inputs.',
        );
      for (const item of [...data].sort((a, b) => a.index - b.index)) {
        if (item.embedding.length !== this.dimensions) {
          throw new ApiError(
            'upstream_error',
            `The embedding model returned ${item.embedding.length} dimensions, expected ${this.dimensions}.`,
          );
        }
        out.push(normalise(Float32Array.from(item.embedding)));
      }
    }
    return out;
  }
}
