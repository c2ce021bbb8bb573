import { createRouter } from '../router';
import { listAudit, listAuditRoute } from './list-audit';
import { verifyAudit, verifyAuditRoute } from './verify-audit';

export function auditRouter() {
  return createRouter().openapi(listAuditRoute, listAudit).openapi(verifyAuditRoute, verifyAudit);
}
