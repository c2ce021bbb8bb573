import { ApiError } from '../../errors';
import { OpenAIEmbedder } from './openai';
import { WorkersAiEmbedder } from './workers-ai';
import { LocalHashingEmbedder, type Embedder } from './embedder';
import type { BindingSource, EmbedderSpec } from '../config';
import { aiBinding } from '../bindings';

/** Build the embedder a spec names, taking its secret (or binding) from the env of whoever runs it. */
export function embedderFor(
  spec: EmbedderSpec,
  env: Record<string, unknown>,
  bindings: BindingSource = 'cloudflare',
): Embedder {
  switch (spec.kind) {
    case 'local':
      return new LocalHashingEmbedder(spec.dimensions);
    case 'openai': {
      const apiKey = env.OPENAI_API_KEY;
      if (typeof apiKey !== 'string' || !apiKey)
        throw new ApiError('misconfigured', 'Service configuration is invalid: OPENAI_API_KEY is not set');
      return new OpenAIEmbedder({
        apiKey,
        model: spec.model,
        baseUrl: spec.baseUrl,
        dimensions: spec.dimensions,
        batchSize: spec.batchSize,
      });
    }
    case 'workers-ai':
      return new WorkersAiEmbedder(aiBinding(env, bindings), spec.model);
  }
}
