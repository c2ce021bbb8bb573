import { createApp } from './app';
import type { Env } from './config';

export { ContextStoreObject } from './objects/context-store';
export { EventHubObject } from './objects/event-hub';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {
    // Cron work (nightly re-index, uptime checks, maintenance) registers here as those areas land.
  },
} satisfies ExportedHandler<Env>;
