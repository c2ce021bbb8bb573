import { createRouter } from '../router';
import { listCloudwaysServers, listCloudwaysServersRoute } from './list-servers';
import { listCloudwaysApps, listCloudwaysAppsRoute } from './list-apps';
import { getCloudwaysHealth, getCloudwaysHealthRoute } from './get-cloudways-health';

/** Read-only: hosting changes (restart, purge) go through approved intents, never a route here. */
export function cloudwaysRouter() {
  return createRouter()
    .openapi(listCloudwaysServersRoute, listCloudwaysServers)
    .openapi(listCloudwaysAppsRoute, listCloudwaysApps)
    .openapi(getCloudwaysHealthRoute, getCloudwaysHealth);
}
