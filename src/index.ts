import { createApp } from './app';
import type { Env } from './config';
import { dispatchCron } from './cron/dispatch';
import { CRON_JOBS } from './cron/jobs';

export { ContextStoreObject } from './objects/context-store';
export { EventHubObject } from './objects/event-hub';
export { MetricsObject } from './objects/metrics';
export { RepoIndexObject } from './code-index/repo-index-object';
export { LedgerObject } from './objects/ledger';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    // Jobs are matched by the cron expression that fired; see src/cron/jobs.ts. The cache warm-up replays reads through the app.
    await dispatchCron(controller.cron, env, CRON_JOBS, (request) => Promise.resolve(app.fetch(request, env, ctx)));
  },
} satisfies ExportedHandler<Env>;
