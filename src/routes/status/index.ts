import { createRouter } from '../router';
import { getStatus, getStatusRoute } from './get-status';
import { getStatusHistory, getStatusHistoryRoute } from './get-status-history';

export function statusRouter() {
  return createRouter().openapi(getStatusRoute, getStatus).openapi(getStatusHistoryRoute, getStatusHistory);
}
