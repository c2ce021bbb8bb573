import { z } from 'zod';
import { cronVar, intVar, varsSection } from '../lib/vars';

export interface StatusConfig {
  /** Each layer probe is abandoned (reported degraded) after this long. */
  probeTimeoutMs: number;
  /** Cron expression of the uptime check; must also be listed in wrangler.toml [triggers]. */
  uptimeCron: string;
}

export const statusVars = varsSection(
  'Status',
  z.object({
    STATUS_PROBE_TIMEOUT_MS: intVar(4_000, 50, 25_000).describe(
      'Each layer probe of /ai/status is cut off after this many milliseconds.',
    ),
    UPTIME_CRON: cronVar('UPTIME_CRON', '*/5 * * * *').describe(
      "The uptime check's cron expression (must also be in wrangler.toml [triggers]).",
    ),
  }),
  (v): StatusConfig => ({ probeTimeoutMs: v.STATUS_PROBE_TIMEOUT_MS, uptimeCron: v.UPTIME_CRON }),
);

export const parseStatusConfig = (vars: Record<string, unknown>): StatusConfig => statusVars.parse(vars);
