import type { Config } from '../config';
import type { Services } from '../services';
import type { CronJob } from './job';
import { parseStatusConfig } from '../status/config';
import { checkStatus } from '../status/check';
import { recordUptime } from '../status/uptime';
import { parseMaintenanceConfig } from '../maintenance/config';
import { runMaintenance, type MaintenanceJob } from '../maintenance/jobs';
import { followIntentsJob } from '../intents/cron';
import { digestJob } from '../digest/digest';
import { cacheWarmupJob } from '../warmup/job';

export type { CronContext, CronJob } from './job';

function maintenanceCron(
  job: MaintenanceJob,
  key: keyof ReturnType<typeof parseMaintenanceConfig>['crons'],
): CronJob<Services> {
  return {
    name: job,
    schedule: (config) => parseMaintenanceConfig(config.vars).crons[key],
    run: async (context) => (await runMaintenance(job, context)).summary,
  };
}

/** Every scheduled job. Another area adds one with one line. */
export const CRON_JOBS: readonly CronJob<Services>[] = [
  {
    name: 'uptime',
    schedule: (config) => parseStatusConfig(config.vars).uptimeCron,
    run: async ({ services, caller }) => {
      const status = await checkStatus(services);
      const transitions = await recordUptime(
        {
          project: services.config.projectId,
          audit: services.audit(caller),
          events: services.events,
          log: services.log,
        },
        caller,
        status,
      );
      return `verdict ${status.verdict}; ${transitions.length} state change(s)`;
    },
  },
  maintenanceCron('reindex', 'reindex'),
  // after the re-index, on the same trigger: jobs of one trigger run in this order
  cacheWarmupJob,
  maintenanceCron('audit-rotation', 'auditRotation'),
  maintenanceCron('vector-pruning', 'vectorPruning'),
  followIntentsJob,
  digestJob,
];

export function jobsFor<S>(cron: string, config: Config, jobs: readonly CronJob<S>[]): CronJob<S>[] {
  return jobs.filter((job) => job.schedule(config).trim() === cron.trim());
}
