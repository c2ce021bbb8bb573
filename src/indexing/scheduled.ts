import { loadConfig, type Env } from '../config';
import { buildServices } from '../services';
import { Logger, describeError } from '../lib/log';
import { repoKey } from './repo-source';

/** The cron expression that triggers the nightly re-index (override with INDEX_CRON). */
export const DEFAULT_INDEX_CRON = '0 3 * * *';

const CRON_CALLER = { client: 'cron', label: 'cron' } as const;

/**
 * Called from the Worker's `scheduled` handler: on the indexing cron, start an incremental
 * run for every configured repository (audited as the cron client). A repository whose run
 * is still going gets a follow-up queued instead of a second, overlapping run.
 */
export async function scheduledIndexing(controller: Pick<ScheduledController, 'cron'>, env: Env): Promise<void> {
  const wanted = typeof env.INDEX_CRON === 'string' && env.INDEX_CRON ? env.INDEX_CRON : DEFAULT_INDEX_CRON;
  if (controller.cron !== wanted) return;
  const config = await loadConfig(env);
  const requestId = `cron-${crypto.randomUUID()}`;
  const log = new Logger(config.logLevel, { requestId });
  const services = buildServices(config, env, log, requestId);
  try {
    const index = services.indexing();
    for (const repo of index.repos) {
      try {
        await services.audit(CRON_CALLER).record({
          action: 'index.reindex',
          target: `repo:${repoKey(repo)}@${repo.branch}`,
          summary: `Nightly re-index of ${repoKey(repo)}@${repo.branch}`,
          detail: { trigger: 'cron', cron: controller.cron },
        });
        const result = await index.start(repo, 'cron', CRON_CALLER, true);
        log.info('scheduled index run', { repo: repoKey(repo), started: result.started });
      } catch (error) {
        log.error('scheduled index run not started', { repo: repoKey(repo), ...describeError(error) });
      }
    }
  } finally {
    await services.ledger.close();
  }
}
