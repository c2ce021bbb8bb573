import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dispatchCron } from '../../src/cron/dispatch';
import { CRON_JOBS, jobsFor } from '../../src/cron/jobs';
import type { CronJob } from '../../src/cron/job';
import type { Services } from '../../src/services';
import { loadConfig } from '../../src/config';

const job = (name: string, schedule: string, run: CronJob<Services>['run']): CronJob<Services> => ({
  name,
  schedule: () => schedule,
  run,
});

describe('cron dispatch', () => {
  it('runs every job matching the expression that fired, in order; a failure does not stop the rest', async () => {
    const ran: string[] = [];
    const runs = await dispatchCron('*/5 * * * *', { ...env, LOG_LEVEL: 'silent' }, [
      job('first', '*/5 * * * *', async () => {
        ran.push('first');
        throw new Error('boom');
      }),
      job('other', '0 3 * * *', async () => {
        ran.push('other');
        return 'no';
      }),
      job('second', '*/5 * * * *', async ({ caller }) => {
        ran.push('second');
        return `as ${caller.label}`;
      }),
    ]);
    expect(ran).toEqual(['first', 'second']);
    expect(runs).toEqual([
      { job: 'first', ok: false, outcome: 'boom' },
      { job: 'second', ok: true, outcome: 'as cron' },
    ]);
  });

  it('the built-in schedule: uptime every five minutes, reindex then cache warm-up nightly, rotation weekly, pruning monthly, digest on weekday mornings', async () => {
    const config = await loadConfig(env);
    const names = (cron: string) => jobsFor(cron, config, CRON_JOBS).map((j) => j.name);
    expect(names('*/5 * * * *')).toEqual(['uptime', 'intents-follow']);
    expect(names('0 3 * * *')).toEqual(['reindex', 'cache-warmup']);
    expect(names('0 4 * * SUN')).toEqual(['audit-rotation']);
    expect(names('0 5 1 * *')).toEqual(['vector-pruning']);
    expect(names('30 6 * * MON-FRI')).toEqual(['digest']);
    expect(names('1 2 3 4 5')).toEqual([]);
  });
});
