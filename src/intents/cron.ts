import type { Caller } from '../auth/keys';
import type { CronJob } from '../cron/job';
import type { IntentService } from './service';
import { z } from 'zod';
import { cronVar, varsSection } from '../lib/vars';

/** Its own section, so a bad INTENT_POLICY fails intent calls but never stops the other cron jobs. */
export const followVars = varsSection(
  'Intents follower',
  z.object({
    INTENTS_FOLLOW_CRON: cronVar('INTENTS_FOLLOW_CRON', '*/5 * * * *').describe(
      'When the follower expires due proposals and follows executing intents (must also be in wrangler.toml [triggers]).',
    ),
  }),
  (v) => v.INTENTS_FOLLOW_CRON,
);

/**
 * The scheduled follower: expires due proposals and follows executing intents
 * (finds the dispatched workflow run, records its end), so no request ever waits
 * for a deploy to finish. Runs on INTENTS_FOLLOW_CRON (default every 5 minutes).
 */
export const followIntentsJob: CronJob<{ intents(caller: Caller): IntentService }> = {
  name: 'intents-follow',
  schedule: (config) => followVars.parse(config.vars),
  run: async ({ services, caller }) => {
    const { followed, finished } = await services.intents(caller).followAll();
    return `followed ${followed} executing intent(s), ${finished} finished`;
  },
};
