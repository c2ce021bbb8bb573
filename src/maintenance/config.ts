import { z } from 'zod';
import { ApiError } from '../errors';
import { cronVariable } from '../cron/expression';

export interface MaintenanceConfig {
  /** Audit entries older than this many days are archived to R2 and removed. */
  auditRetentionDays: number;
  /** Entries archived per R2 object (and per transaction). */
  auditRotationBatch: number;
  crons: { reindex: string; auditRotation: string; vectorPruning: string };
}

const MaintenanceVarsSchema = z.object({
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  AUDIT_ROTATION_BATCH: z.coerce.number().int().min(1).max(10_000).default(2_000),
  REINDEX_CRON: cronVariable('REINDEX_CRON', '0 3 * * *'),
  // Sunday: Cloudflare numbers weekdays 1-7 from Sunday and refuses Unix's 0.
  AUDIT_ROTATION_CRON: cronVariable('AUDIT_ROTATION_CRON', '0 4 * * SUN'),
  VECTOR_PRUNING_CRON: cronVariable('VECTOR_PRUNING_CRON', '0 5 1 * *'),
});

export function parseMaintenanceConfig(vars: Record<string, unknown>): MaintenanceConfig {
  const parsed = MaintenanceVarsSchema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${why}`);
  }
  const v = parsed.data;
  return {
    auditRetentionDays: v.AUDIT_RETENTION_DAYS,
    auditRotationBatch: v.AUDIT_ROTATION_BATCH,
    crons: { reindex: v.REINDEX_CRON, auditRotation: v.AUDIT_ROTATION_CRON, vectorPruning: v.VECTOR_PRUNING_CRON },
  };
}
