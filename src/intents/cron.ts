import { loadConfig, type Env } from '../config';
import { buildServices } from '../services';
import { Logger } from '../lib/log';
import type { Caller } from '../auth/keys';

const CRON: Caller = { client: 'cron', label: 'cron' };

/**
 * The scheduled follower: expires due proposals and follows executing intents
 * (finds the dispatched workflow run, records its end), so no request ever waits
 * for a deploy to finish.
 */
export async function followIntents(env: Env, ctx: ExecutionContext): Promise<{ followed: number; finished: number }> {
  const config = await loadConfig(env);
  const requestId = `cron-intents-${crypto.randomUUID()}`;
  const log = new Logger(config.logLevel, { requestId });
  const services = buildServices(config, env, log, requestId);
  try {
    return await services.intents(CRON).followAll();
  } finally {
    ctx.waitUntil(services.ledger.close());
  }
}
