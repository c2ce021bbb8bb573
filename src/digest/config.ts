import { z } from 'zod';
import { cronVar, varsSection } from '../lib/vars';

export interface DigestConfig {
  /** When the daily digest is built; must also be listed in wrangler.toml [triggers]. */
  cron: string;
}

export const digestVars = varsSection(
  'Digest',
  z.object({
    // Weekdays before the working day: Cloudflare names weekdays SUN-SAT (or 1-7 from Sunday), never 0.
    DIGEST_CRON: cronVar('DIGEST_CRON', '30 6 * * MON-FRI').describe(
      'The daily digest (status check and what changed since the last one), kept at GET /ai/digest.',
    ),
  }),
  (v): DigestConfig => ({ cron: v.DIGEST_CRON }),
);

export const parseDigestConfig = (vars: Record<string, unknown>): DigestConfig => digestVars.parse(vars);
