import type { Services } from '../services';
import { rotateAudit } from './audit-rotation';
import { pruneAllVectors, reindexAll } from '../code-index/scheduled';
import type { MaintenanceContext, MaintenanceJob, MaintenanceOutcome, MaintenanceWork } from './job';

export { MAINTENANCE_JOBS, type MaintenanceJob, type MaintenanceOutcome } from './job';

/**
 * The work behind each named job. Registration point for the indexer:
 * `reindex` (nightly re-index and cache warm-up) and `vector-pruning` (vectors of
 * deleted files and branches) each join with one line here. Every job must be idempotent.
 */
export const MAINTENANCE_WORK: Readonly<Record<MaintenanceJob, MaintenanceWork<Services>>> = {
  'audit-rotation': rotateAudit,
  reindex: reindexAll,
  'vector-pruning': pruneAllVectors,
};

export interface MaintenanceReport extends MaintenanceOutcome {
  job: MaintenanceJob;
  /** Always true: a job that cannot run throws, and its route answers a problem instead. */
  ran: true;
  durationMs: number;
}

/** Run one job by name and make sure the audit log says what it did. */
export async function runMaintenance(
  job: MaintenanceJob,
  context: MaintenanceContext<Services>,
): Promise<MaintenanceReport> {
  const started = performance.now();
  const outcome = await MAINTENANCE_WORK[job](context);
  if (!outcome.audited) {
    await context.services.audit(context.caller).record({
      action: `maintenance.${job}`,
      target: `maintenance:${job}`,
      summary: outcome.summary,
      detail: outcome.details,
    });
  }
  const { audited: _audited, ...report } = outcome;
  return { job, ran: true, ...report, durationMs: Math.round(performance.now() - started) };
}
