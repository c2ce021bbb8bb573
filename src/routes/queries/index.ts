import { createRouter } from '../router';
import { listQueries, listQueriesRoute } from './list-queries';

export function queriesRouter() {
  return createRouter().openapi(listQueriesRoute, listQueries);
}
