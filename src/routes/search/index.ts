import { createRouter } from '../router';
import { search, searchRoute } from './search';

/** Semantic and lexical search over the configured repository's code index. Mounted at /ai/search. */
export function searchRouter() {
  return createRouter().openapi(searchRoute, search);
}
