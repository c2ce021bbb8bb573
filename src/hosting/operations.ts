import { ApiError } from '../errors';
import type { CloudwaysClient } from './cloudways';

/**
 * Changes to hosting. Deliberately not exposed as routes: the intents engine
 * calls these only after an intent was approved, and audits the execution.
 */
export interface HostingOperations {
  restartServer(serverId: string): Promise<{ operationId: string | null }>;
  purgeCache(serverId: string): Promise<{ purged: boolean }>;
}

export class CloudwaysHostingOperations implements HostingOperations {
  constructor(private readonly client: CloudwaysClient) {}

  async restartServer(serverId: string) {
    return this.client.restartServer(checkServerId(serverId));
  }

  async purgeCache(serverId: string) {
    return this.client.purgeCache(checkServerId(serverId));
  }
}

/** Used when Cloudways is not configured: every operation says so. */
export class UnconfiguredHostingOperations implements HostingOperations {
  async restartServer(): Promise<never> {
    throw notConfigured();
  }
  async purgeCache(): Promise<never> {
    throw notConfigured();
  }
}

function notConfigured(): ApiError {
  return new ApiError('not_configured', 'Cloudways is not configured: set CW_EMAIL and CW_API_KEY.');
}

function checkServerId(serverId: string): string {
  if (!/^[0-9]{1,12}$/.test(serverId)) throw new ApiError('validation_failed', 'A Cloudways server id is a number.');
  return serverId;
}
