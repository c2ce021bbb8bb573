import type { Caller } from '../auth/keys';
import type { Services } from '../services';
import { rotateAudit } from './audit-rotation';
import { pruneAllVectors, reindexAll } from '../code-index/scheduled';

export const MAINTENANCE_JOBS = ['audit-rotation', 'vector-pruning', 'reindex'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];

export interface MaintenanceContext {
  services: Services;
  caller: Caller;
}

/** What a job did. `audited` is true when the job wrote its own audit entry (inside its transaction). */
export interface MaintenanceOutcome {
  summary: string;
  details: Record<string, unknown>;
  audited?: boolean;
}

export type MaintenanceWork = (context: MaintenanceContext) => Promise<MaintenanceOutcome>;

/**
 * The work behind each named job. Registration point for the indexer:
 * `reindex` (nightly re-index and cache warm-up) and `vector-pruning` (vectors of
 * deleted files and branches) each join with one line here. Every job must be idempotent.
 */
export const MAINTENANCE_WORK: Partial<Record<MaintenanceJob, MaintenanceWork>> = {
  'audit-rotation': rotateAudit,
  reindex: reindexAll,
  'vector-pruning': pruneAllVectors,
};

export interface MaintenanceReport extends MaintenanceOutcome {
  job: MaintenanceJob;
  ran: boolean;
  durationMs: number;
}

/** Run one job by name and make sure the audit log says what it did (or that nothing is registered). */
export async function runMaintenance(job: MaintenanceJob, context: MaintenanceContext): Promise<MaintenanceReport> {
  const started = performance.now();
  const work = MAINTENANCE_WORK[job];
  const outcome: MaintenanceOutcome = work
    ? await work(context)
    : { summary: `Nothing is registered for ${job}.`, details: { registered: false } };
  if (!outcome.audited) {
    await context.services.audit(context.caller).record({
      action: `maintenance.${job}`,
      target: `maintenance:${job}`,
      summary: outcome.summary,
      detail: outcome.details,
    });
  }
  const { audited: _audited, ...report } = outcome;
  return { job, ran: Boolean(work), ...report, durationMs: Math.round(performance.now() - started) };
}
