import { createRouter } from '../router';
import { getContext, getContextRoute } from './get-context';
import { putContext, putContextRoute } from './put-context';
import { patchContext, patchContextRoute } from './patch-context';
import { deleteContext, deleteContextRoute } from './delete-context';

export function contextRouter() {
  return createRouter()
    .openapi(getContextRoute, getContext)
    .openapi(putContextRoute, putContext)
    .openapi(patchContextRoute, patchContext)
    .openapi(deleteContextRoute, deleteContext);
}
