import { z } from 'zod';
import { varsSection } from '../lib/vars';

export interface CursorConfig {
  /** Largest diff a session may carry, in bytes of UTF-8. */
  diffMaxBytes: number;
  /** How far ahead of the service's clock a client timestamp may be. */
  maxClockSkewMs: number;
}

export const cursorVars = varsSection(
  'Cursor sessions',
  z.object({
    CURSOR_DIFF_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(1_048_576)
      .default(65_536)
      .describe('Largest diff a Cursor session may carry, in bytes (413 above it).'),
  }),
  (v): CursorConfig => ({ diffMaxBytes: v.CURSOR_DIFF_MAX_BYTES, maxClockSkewMs: 5 * 60_000 }),
);

export const loadCursorConfig = (vars: Record<string, unknown>): CursorConfig => cursorVars.parse(vars);
