import { createRouter } from '../router';
import { search, searchRoute } from './search';
import { recall, recallRoute } from './recall';
import { indexStatus, indexStatusRoute } from './index-status';
import { reindex, reindexRoute } from './reindex';
import { webhook, webhookRoute } from './webhook';

/** The code index: search, cross-repository recall, status, and run triggers. Mounted at /ai. */
export function codeIndexRouter() {
  return createRouter()
    .openapi(searchRoute, search)
    .openapi(recallRoute, recall)
    .openapi(indexStatusRoute, indexStatus)
    .openapi(reindexRoute, reindex)
    .openapi(webhookRoute, webhook);
}
