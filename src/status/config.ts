import { z } from 'zod';
import { ApiError } from '../errors';
import { cronVariable } from '../cron/expression';

export interface StatusConfig {
  /** Each layer probe is abandoned (reported degraded) after this long. */
  probeTimeoutMs: number;
  /** Cron expression of the uptime check; must also be listed in wrangler.toml [triggers]. */
  uptimeCron: string;
}

const StatusVarsSchema = z.object({
  STATUS_PROBE_TIMEOUT_MS: z.coerce.number().int().min(50).max(25_000).default(4_000),
  UPTIME_CRON: cronVariable('UPTIME_CRON', '*/5 * * * *'),
});

export function parseStatusConfig(vars: Record<string, unknown>): StatusConfig {
  const parsed = StatusVarsSchema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${why}`);
  }
  return { probeTimeoutMs: parsed.data.STATUS_PROBE_TIMEOUT_MS, uptimeCron: parsed.data.UPTIME_CRON };
}
