import { z } from 'zod';
import { intVar, varsSection } from '../lib/vars';

export interface WarmupConfig {
  /** At most this many distinct requests are replayed per night. */
  maxRoutes: number;
}

export const warmupVars = varsSection(
  'Cache warm-up',
  z.object({
    CACHE_WARMUP_ROUTES: intVar(10, 0, 50).describe(
      "After the nightly re-index, the GPT's most-called cacheable GitHub reads of the last day (at most this many) are refreshed; 0 turns it off.",
    ),
  }),
  (v): WarmupConfig => ({ maxRoutes: v.CACHE_WARMUP_ROUTES }),
);

export const parseWarmupConfig = (vars: Record<string, unknown>): WarmupConfig => warmupVars.parse(vars);
