import type { Caller } from '../auth/keys';
import type { CronJob } from '../cron/job';
import type { IntentService } from './service';

/**
 * The scheduled follower: expires due proposals and follows executing intents
 * (finds the dispatched workflow run, records its end), so no request ever waits
 * for a deploy to finish. Runs on INTENTS_FOLLOW_CRON (default every 5 minutes).
 */
export const followIntentsJob: CronJob<{ intents(caller: Caller): IntentService }> = {
  name: 'intents-follow',
  schedule: (config) => String(config.vars.INTENTS_FOLLOW_CRON ?? '*/5 * * * *'),
  run: async ({ services, caller }) => {
    const { followed, finished } = await services.intents(caller).followAll();
    return `followed ${followed} executing intent(s), ${finished} finished`;
  },
};
