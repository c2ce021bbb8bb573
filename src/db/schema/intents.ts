import { bigserial, boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from '../columns';

export const INTENT_STATES = [
  'proposed',
  'approved',
  'rejected',
  'expired',
  'cancelled',
  'executing',
  'succeeded',
  'failed',
] as const;
export type IntentState = (typeof INTENT_STATES)[number];

/** What execution has done so far: the dispatched workflow run, or the hosting call's result. */
export interface IntentExecution {
  attempt: number;
  /** `dispatching` until the side effect is confirmed; then `running` (a workflow run is being followed) or `finished`. */
  status: 'dispatching' | 'running' | 'finished';
  startedAt: string;
  startedBy: string;
  commit?: string;
  workflow?: string;
  ref?: string;
  runId?: number;
  runUrl?: string;
  runStatus?: string;
  conclusion?: string | null;
  finishedAt?: string;
  error?: string;
  lastCheckedAt?: string;
}

/**
 * Pending operations that need a human decision. `version` increases on every
 * transition, and every transition is a conditional UPDATE on the expected state.
 */
export const intents = pgTable(
  'intents',
  {
    id: text('id').primaryKey(),
    project: text('project').notNull(),
    kind: text('kind').notNull(),
    target: text('target').notNull(),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull(),
    reason: text('reason'),
    state: text('state').$type<IntentState>().notNull(),
    version: integer('version').notNull(),
    proposerClient: text('proposer_client').notNull(),
    proposerPerson: text('proposer_person'),
    /** `client` or `client:person`: the identity that may never approve this intent. */
    proposerLabel: text('proposer_label').notNull(),
    idempotencyKey: text('idempotency_key'),
    /** Branch head when proposed (informative); the commit bound at approval is `approvedCommit`. */
    proposedCommit: text('proposed_commit'),
    approvedCommit: text('approved_commit'),
    approvedBy: text('approved_by'),
    approvedAt: instant('approved_at'),
    approvalExpiresAt: instant('approval_expires_at'),
    expiresAt: instant('expires_at').notNull(),
    execution: jsonb('execution').$type<IntentExecution>(),
    outcome: text('outcome'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('intents_idempotency_idx').on(t.project, t.proposerLabel, t.idempotencyKey),
    index('intents_project_created_idx').on(t.project, t.createdAt, t.id),
    index('intents_project_state_idx').on(t.project, t.state),
  ],
);

/** Every decision about an intent, allowed or denied: who, what, when, why, and the rule that decided. */
export const intentDecisions = pgTable(
  'intent_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    intentId: text('intent_id')
      .notNull()
      .references(() => intents.id),
    at: instant('at').notNull(),
    actorClient: text('actor_client').notNull(),
    actorPerson: text('actor_person'),
    action: text('action').notNull(),
    allowed: boolean('allowed').notNull(),
    rule: text('rule').notNull(),
    reason: text('reason').notNull(),
    fromState: text('from_state').$type<IntentState>(),
    toState: text('to_state').$type<IntentState>(),
    commit: text('commit'),
  },
  (t) => [index('intent_decisions_intent_idx').on(t.intentId, t.id)],
);

export type IntentRow = typeof intents.$inferSelect;
export type IntentDecisionRow = typeof intentDecisions.$inferSelect;
