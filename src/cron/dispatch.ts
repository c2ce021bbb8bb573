import type { Caller } from '../auth/keys';
import { loadConfig, type Env } from '../config';
import { buildServices, type Services } from '../services';
import { Logger, describeError } from '../lib/log';
import { jobsFor, CRON_JOBS } from './jobs';
import type { CronJob } from './job';

export const CRON_CALLER: Caller = { client: 'cron', label: 'cron' };

export interface CronRun {
  job: string;
  ok: boolean;
  outcome: string;
}

/**
 * The `scheduled` handler's body: run every job whose expression matches the
 * one that fired, one after another (they share the audit chain lock), each
 * failure logged without stopping the others.
 */
export async function dispatchCron(
  cron: string,
  env: Env,
  jobs: readonly CronJob<Services>[] = CRON_JOBS,
  api?: (request: Request) => Promise<Response>,
): Promise<CronRun[]> {
  const runId = `cron-${crypto.randomUUID()}`;
  const config = await loadConfig(env);
  const log = new Logger(config.logLevel, { requestId: runId, cron });
  const services = buildServices(config, env, log, runId);
  const runs: CronRun[] = [];
  try {
    const matched = jobsFor(cron, config, jobs);
    if (!matched.length) log.warn('no job is scheduled for this cron expression', { known: jobs.map((j) => j.name) });
    for (const job of matched) {
      const started = Date.now();
      try {
        const outcome = await job.run({ services, caller: CRON_CALLER, api });
        log.info('cron job done', { job: job.name, outcome, durationMs: Date.now() - started });
        runs.push({ job: job.name, ok: true, outcome });
      } catch (error) {
        log.error('cron job failed', { job: job.name, durationMs: Date.now() - started, ...describeError(error) });
        runs.push({ job: job.name, ok: false, outcome: error instanceof Error ? error.message : 'failed' });
      }
    }
  } finally {
    await services.ledgerPool.close();
  }
  return runs;
}
