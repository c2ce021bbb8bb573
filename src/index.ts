import { createApp } from './app';
import type { Env } from './config';

export { ContextStoreObject } from './objects/context-store';
export { RepoIndexObject } from './objects/repo-index';
import { scheduledIndexing } from './indexing/scheduled';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    // Cron work (nightly re-index, uptime checks, maintenance) registers here as those areas land.
    ctx.waitUntil(scheduledIndexing(controller, env));
  },
} satisfies ExportedHandler<Env>;
