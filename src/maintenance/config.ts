import { z } from 'zod';
import { cronVar, intVar, varsSection } from '../lib/vars';

export interface MaintenanceConfig {
  /** Audit entries older than this many days are archived to R2 and removed. */
  auditRetentionDays: number;
  /** Entries archived per R2 object (and per transaction). */
  auditRotationBatch: number;
  crons: { reindex: string; auditRotation: string; vectorPruning: string };
}

export const maintenanceVars = varsSection(
  'Maintenance',
  z.object({
    AUDIT_RETENTION_DAYS: intVar(90, 0, 36_500).describe(
      'Audit entries older than this many days are archived to R2 and removed by rotation.',
    ),
    AUDIT_ROTATION_BATCH: intVar(2_000, 1, 10_000).describe(
      'Entries per archived NDJSON object (and per transaction).',
    ),
    REINDEX_CRON: cronVar('REINDEX_CRON', '0 3 * * *').describe(
      'Nightly incremental re-index of every INDEX_REPOS repository.',
    ),
    // Sunday: Cloudflare numbers weekdays 1-7 from Sunday (or SUN-SAT) and refuses Unix's 0.
    AUDIT_ROTATION_CRON: cronVar('AUDIT_ROTATION_CRON', '0 4 * * SUN').describe(
      'Weekly audit rotation to the ARCHIVE bucket.',
    ),
    VECTOR_PRUNING_CRON: cronVar('VECTOR_PRUNING_CRON', '0 5 1 * *').describe(
      'Monthly pruning of cached vectors no chunk uses.',
    ),
  }),
  (v): MaintenanceConfig => ({
    auditRetentionDays: v.AUDIT_RETENTION_DAYS,
    auditRotationBatch: v.AUDIT_ROTATION_BATCH,
    crons: { reindex: v.REINDEX_CRON, auditRotation: v.AUDIT_ROTATION_CRON, vectorPruning: v.VECTOR_PRUNING_CRON },
  }),
);

export const parseMaintenanceConfig = (vars: Record<string, unknown>): MaintenanceConfig => maintenanceVars.parse(vars);
