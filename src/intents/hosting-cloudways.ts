import { ApiError } from '../errors';
import type { Hosting } from '../hosting/service';
import type { HostingOperation, HostingOperations, HostingResult } from './ports';

/**
 * The intents engine's hosting port over the Cloudways adapter: an approved
 * `restart` or `purge-cache` intent targets a Cloudways server id.
 */
export class CloudwaysIntentHosting implements HostingOperations {
  constructor(private readonly hosting: Hosting) {}

  get configured(): boolean {
    return this.hosting.cloudways !== undefined;
  }

  async health(target: string): Promise<'healthy' | 'unhealthy' | 'not_configured'> {
    const cloudways = this.hosting.cloudways;
    if (!cloudways) return 'not_configured';
    const health = await cloudways.health();
    if (health.state === 'down' || !health.servers) return 'unhealthy';
    const down = health.servers.notRunning.some((server) => server.id === target);
    return down ? 'unhealthy' : 'healthy';
  }

  async perform(operation: HostingOperation, target: string): Promise<HostingResult> {
    if (!this.configured) return { status: 'not_configured' };
    try {
      if (operation === 'restart') {
        const { operationId } = await this.hosting.operations.restartServer(target);
        return { status: 'done', detail: operationId ? `Cloudways operation ${operationId}` : 'restart requested' };
      }
      const { purged } = await this.hosting.operations.purgeCache(target);
      return purged
        ? { status: 'done', detail: 'cache purged' }
        : { status: 'failed', detail: 'Cloudways did not confirm the purge' };
    } catch (error) {
      // A refusal from Cloudways is the intent's outcome; the public message never carries credentials.
      if (error instanceof ApiError) return { status: 'failed', detail: error.message };
      throw error;
    }
  }
}
