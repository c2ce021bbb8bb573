import { ApiError } from '../errors';
import { LocalVectorize } from '../local/vectorize';
import { LocalWorkersAi } from '../local/workers-ai';
import type { LocalVectorizeObject } from '../local/vectorize-object';
import type { BindingSource } from './config';
import type { WorkersAiBinding } from './embedding/workers-ai';
import { VECTORIZE_METADATA_INDEXES } from './store/vectorize';

/** The Workers AI binding: Cloudflare's `AI`, or the local implementation of its API. */
export function aiBinding(env: Record<string, unknown>, source: BindingSource): WorkersAiBinding {
  if (source === 'local') return new LocalWorkersAi();
  if (!env.AI) throw new ApiError('misconfigured', 'Service configuration is invalid: the AI binding is missing');
  return env.AI as WorkersAiBinding;
}

/**
 * The Vectorize binding: Cloudflare's `VECTORIZE`, or a local index (LOCAL_VECTORIZE object)
 * created as the production one is documented to be: the embedder's dimensions, cosine,
 * and the metadata indexes the adapter filters on.
 */
export function vectorizeBinding(
  env: Record<string, unknown>,
  source: BindingSource,
  index: { name: string; dimensions: number },
): Vectorize {
  if (source === 'local') {
    const namespace = env.LOCAL_VECTORIZE as DurableObjectNamespace<LocalVectorizeObject> | undefined;
    if (!namespace)
      throw new ApiError(
        'misconfigured',
        'Service configuration is invalid: INDEX_LOCAL_BINDINGS needs the LOCAL_VECTORIZE binding',
      );
    return new LocalVectorize(namespace, {
      name: index.name,
      dimensions: index.dimensions,
      metric: 'cosine',
      metadataIndexes: [...VECTORIZE_METADATA_INDEXES],
    }) as unknown as Vectorize;
  }
  if (!env.VECTORIZE)
    throw new ApiError('misconfigured', 'Service configuration is invalid: the VECTORIZE binding is missing');
  return env.VECTORIZE as Vectorize;
}
