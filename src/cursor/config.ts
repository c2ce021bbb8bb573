import { z } from 'zod';
import { ApiError } from '../errors';

export interface CursorConfig {
  /** Largest diff a session may carry, in bytes of UTF-8. */
  diffMaxBytes: number;
  /** How far ahead of the service's clock a client timestamp may be. */
  maxClockSkewMs: number;
}

const CursorVarsSchema = z.object({
  CURSOR_DIFF_MAX_BYTES: z.coerce.number().int().min(1_024).max(1_048_576).default(65_536),
});

export function loadCursorConfig(vars: Record<string, unknown>): CursorConfig {
  const parsed = CursorVarsSchema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${why}`);
  }
  return { diffMaxBytes: parsed.data.CURSOR_DIFF_MAX_BYTES, maxClockSkewMs: 5 * 60_000 };
}
