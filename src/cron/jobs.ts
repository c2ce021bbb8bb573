import type { Caller } from '../auth/keys';
import type { Config } from '../config';
import type { Services } from '../services';
import { parseStatusConfig } from '../status/config';
import { recordUptime } from '../status/uptime';
import { parseMaintenanceConfig } from '../maintenance/config';
import { runMaintenance, type MaintenanceJob } from '../maintenance/jobs';
import { followIntentsJob } from '../intents/cron';

export interface CronContext {
  services: Services;
  caller: Caller;
}

/**
 * A job the Worker's `scheduled` handler runs when its cron expression fires.
 * `schedule` reads the expression from config, so it can be changed without code;
 * the expression must also be listed under [triggers] in wrangler.toml.
 */
export interface CronJob {
  name: string;
  schedule(config: Config): string;
  run(context: CronContext): Promise<string>;
}

function maintenanceCron(job: MaintenanceJob, key: keyof ReturnType<typeof parseMaintenanceConfig>['crons']): CronJob {
  return {
    name: job,
    schedule: (config) => parseMaintenanceConfig(config.vars).crons[key],
    run: async (context) => (await runMaintenance(job, context)).summary,
  };
}

/** Every scheduled job. Another area adds one with one line. */
export const CRON_JOBS: readonly CronJob[] = [
  {
    name: 'uptime',
    schedule: (config) => parseStatusConfig(config.vars).uptimeCron,
    run: async (context) => {
      const { status, transitions } = await recordUptime(context.services, context.caller);
      return `verdict ${status.verdict}; ${transitions.length} state change(s)`;
    },
  },
  maintenanceCron('reindex', 'reindex'),
  maintenanceCron('audit-rotation', 'auditRotation'),
  maintenanceCron('vector-pruning', 'vectorPruning'),
  followIntentsJob,
];

export function jobsFor(cron: string, config: Config, jobs: readonly CronJob[] = CRON_JOBS): CronJob[] {
  return jobs.filter((job) => job.schedule(config).trim() === cron.trim());
}
