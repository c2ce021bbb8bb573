import type { Caller } from '../auth/keys';
import type { Config } from '../config';

/** What a job is given: the services it uses (each job names its own narrow set) and the cron caller. */
export interface CronContext<S> {
  services: S;
  caller: Caller;
  /** The Worker's own app, for a job that replays API reads (the cache warm-up); absent in bare dispatches. */
  api?: (request: Request) => Promise<Response>;
}

/**
 * A job the Worker's `scheduled` handler runs when its cron expression fires.
 * `schedule` reads the expression from config, so it can be changed without code;
 * the expression must also be listed under [triggers] in wrangler.toml.
 */
export interface CronJob<S> {
  name: string;
  schedule(config: Config): string;
  run(context: CronContext<S>): Promise<string>;
}
