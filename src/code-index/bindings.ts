import { ApiError } from '../errors';
import type { BindingSource } from './config';
import type { WorkersAiBinding } from './embedding/workers-ai';
import { VECTORIZE_METADATA_INDEXES } from './store/vectorize';

/** A Vectorize index as the production one is documented to be created. */
export interface VectorizeIndexSpec {
  name: string;
  dimensions: number;
  metric: 'cosine';
  metadataIndexes: typeof VECTORIZE_METADATA_INDEXES;
}

/**
 * The local implementations of the AI and Vectorize APIs. Only the dev and test entry
 * (src/local/dev-entry.ts) puts them on env, as LOCAL_BINDINGS: the shipped Worker has none.
 */
export interface LocalBindings {
  ai(): WorkersAiBinding;
  vectorize(index: VectorizeIndexSpec): Vectorize;
}

function localBindings(env: Record<string, unknown>): LocalBindings {
  const local = env.LOCAL_BINDINGS as LocalBindings | undefined;
  if (!local)
    throw new ApiError(
      'misconfigured',
      'Service configuration is invalid: INDEX_LOCAL_BINDINGS needs the dev or test entry (src/local/dev-entry.ts) and its LOCAL_VECTORIZE binding',
    );
  return local;
}

/** The Workers AI binding: Cloudflare's `AI`, or the local implementation of its API. */
export function aiBinding(env: Record<string, unknown>, source: BindingSource): WorkersAiBinding {
  if (source === 'local') return localBindings(env).ai();
  if (!env.AI) throw new ApiError('misconfigured', 'Service configuration is invalid: the AI binding is missing');
  return env.AI as WorkersAiBinding;
}

/**
 * The Vectorize binding: Cloudflare's `VECTORIZE`, or a local index created as the production
 * one is documented to be: the embedder's dimensions, cosine, and the metadata indexes the adapter filters on.
 */
export function vectorizeBinding(
  env: Record<string, unknown>,
  source: BindingSource,
  index: { name: string; dimensions: number },
): Vectorize {
  if (source === 'local')
    return localBindings(env).vectorize({
      name: index.name,
      dimensions: index.dimensions,
      metric: 'cosine',
      metadataIndexes: VECTORIZE_METADATA_INDEXES,
    });
  if (!env.VECTORIZE)
    throw new ApiError('misconfigured', 'Service configuration is invalid: the VECTORIZE binding is missing');
  return env.VECTORIZE as Vectorize;
}
