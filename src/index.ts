import { createApp } from './app';
import type { Env } from './config';
import { followIntents } from './intents/cron';
import { Logger, describeError } from './lib/log';

export { ContextStoreObject } from './objects/context-store';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    // Cron work (nightly re-index, uptime checks, maintenance) registers here as those areas land.
    await followIntents(env, ctx).catch((error: unknown) => new Logger('info').error('intent follower failed', describeError(error)));
  },
} satisfies ExportedHandler<Env>;
