import type { IntentDecisionRow, IntentExecution, IntentRow, IntentState } from '../db/schema';

export interface IntentView {
  id: string;
  summary: string;
  kind: string;
  target: string;
  state: IntentState;
  version: number;
  parameters: Record<string, unknown>;
  reason: string | null;
  proposedBy: { client: string; person?: string };
  idempotencyKey: string | null;
  proposedCommit: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  approval: { by: string; at: string; commit: string | null; expiresAt: string } | null;
  execution: IntentExecution | null;
  outcome: string | null;
}

export interface DecisionView {
  at: string;
  actor: { client: string; person?: string };
  action: string;
  allowed: boolean;
  rule: string;
  reason: string;
  fromState: string | null;
  toState: string | null;
  commit: string | null;
}

const WHAT_NEXT: Record<IntentState, string> = {
  proposed: 'waiting for approval by a human or Cursor',
  approved: 'approved, ready to execute',
  rejected: 'rejected',
  expired: 'expired without a decision',
  cancelled: 'cancelled',
  executing: 'executing',
  succeeded: 'succeeded',
  failed: 'failed',
};

export function toView(row: IntentRow): IntentView {
  const approval =
    row.approvedBy && row.approvedAt && row.approvalExpiresAt
      ? {
          by: row.approvedBy,
          at: row.approvedAt.toISOString(),
          commit: row.approvedCommit,
          expiresAt: row.approvalExpiresAt.toISOString(),
        }
      : null;
  return {
    id: row.id,
    summary: `${row.kind} ${row.target}${row.approvedCommit ? ` @ ${row.approvedCommit.slice(0, 12)}` : ''}: ${WHAT_NEXT[row.state]}${row.outcome ? ` (${row.outcome})` : ''}`,
    kind: row.kind,
    target: row.target,
    state: row.state,
    version: row.version,
    parameters: row.parameters,
    reason: row.reason,
    proposedBy: row.proposerPerson
      ? { client: row.proposerClient, person: row.proposerPerson }
      : { client: row.proposerClient },
    idempotencyKey: row.idempotencyKey,
    proposedCommit: row.proposedCommit,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    approval,
    execution: row.execution ?? null,
    outcome: row.outcome,
  };
}

export function toDecisionView(row: IntentDecisionRow): DecisionView {
  return {
    at: row.at.toISOString(),
    actor: row.actorPerson ? { client: row.actorClient, person: row.actorPerson } : { client: row.actorClient },
    action: row.action,
    allowed: row.allowed,
    rule: row.rule,
    reason: row.reason,
    fromState: row.fromState,
    toState: row.toState,
    commit: row.commit,
  };
}
