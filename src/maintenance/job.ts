import type { Caller } from '../auth/keys';

export const MAINTENANCE_JOBS = ['audit-rotation', 'vector-pruning', 'reindex'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];

/** What a job is given: the services it uses (each job names its own narrow set) and the caller. */
export interface MaintenanceContext<S> {
  services: S;
  caller: Caller;
}

/** What a job did. `audited` is true when the job wrote its own audit entry (inside its transaction). */
export interface MaintenanceOutcome {
  summary: string;
  details: Record<string, unknown>;
  audited?: boolean;
}

export type MaintenanceWork<S> = (context: MaintenanceContext<S>) => Promise<MaintenanceOutcome>;
