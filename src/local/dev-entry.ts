/**
 * The dev and test entry: the shipped Worker (src/index.ts) plus the local stand-ins for
 * Cloudflare's AI and Vectorize. wrangler.toml's top level (npm run dev, the vitest pool) uses
 * it as `main`; [env.staging] and [env.production] use src/index.ts, so no src/local code ships.
 */
import worker, { RepoIndexObject as ShippedRepoIndexObject } from '../index';
import type { Env } from '../config';
import type { LocalBindings } from '../code-index/bindings';
import { LocalVectorize } from './vectorize';
import { LocalWorkersAi } from './workers-ai';
import type { LocalVectorizeObject } from './vectorize-object';
import type { SearchFilters } from '../code-index/store/repo-index-store';
import type { VectorQuery } from '../code-index/repo-index-object';
import { asksSearchLists, searchLists, searchListsApp, type ListsObject, type SearchLists } from './search-lists';

export { ContextStoreObject, EventHubObject, MetricsObject, LedgerObject } from '../index';
export { LocalVectorizeObject } from './vectorize-object';

/** env with LOCAL_BINDINGS (when LOCAL_VECTORIZE is bound), for code that reads INDEX_LOCAL_BINDINGS. */
export function withLocalBindings<E extends object>(env: E): E {
  const namespace = (env as { LOCAL_VECTORIZE?: DurableObjectNamespace<LocalVectorizeObject> }).LOCAL_VECTORIZE;
  if (!namespace) return env;
  const local: LocalBindings = {
    ai: () => new LocalWorkersAi(),
    vectorize: (index) =>
      new LocalVectorize(namespace, { ...index, metadataIndexes: [...index.metadataIndexes] }) as unknown as Vectorize,
  };
  return { ...env, LOCAL_BINDINGS: local };
}

/** The index object, seeing the local bindings in its env. */
export class RepoIndexObject extends ShippedRepoIndexObject implements ListsObject {
  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, withLocalBindings(env));
  }

  /** Evaluation only: the candidate lists a search of `question` ranks (see src/local/search-lists.ts). */
  searchLists(question: string, filters: SearchFilters, vector: VectorQuery | null): SearchLists {
    const index = { store: this.store, history: this.history, weights: this.weights() };
    return searchLists(this.ctx.storage.sql, { ...index, hits: this.vectorHits(filters, vector) }, question, filters);
  }
}

export default {
  fetch: (request, env, ctx) => {
    const local = withLocalBindings(env);
    if (asksSearchLists(request, env)) return searchListsApp().fetch(request, local, ctx);
    return worker.fetch(request, local, ctx);
  },
  scheduled: (controller, env, ctx) => worker.scheduled(controller, withLocalBindings(env), ctx),
} satisfies ExportedHandler<Env>;
