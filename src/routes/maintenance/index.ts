import { createRouter } from '../router';
import { runMaintenanceJob, runMaintenanceRoute } from './run-maintenance';

export function maintenanceRouter() {
  return createRouter().openapi(runMaintenanceRoute, runMaintenanceJob);
}
