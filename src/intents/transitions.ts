import { and, asc, eq, lte } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { AuditScope } from '../audit/log';
import type { RedactionCounts } from '../redaction/redact';
import { canonicalJson } from '../audit/chain';
import { intents, type IntentExecution, type IntentRow, type IntentState } from '../db/schema';
import {
  decide,
  kindPolicy,
  targetConfig,
  targetRef,
  type Decision,
  type IntentFacts,
  type IntentPolicy,
  type PolicyAction,
  type PolicyRequest,
} from './policy';
import type { IntentRecords, PendingEvents } from './records';
import { clip } from '../lib/clip';

/**
 * Every change to an intent, as one named operation with plain-data arguments: each runs in one
 * ledger transaction (the row locked, its decision row and audit entry beside it). They run where
 * the ledger's writer is (the project's ledger object), so nothing but data crosses to it: the policy
 * is the object's own (read from its env), and every decision that allows a change is made here, with it.
 */

export interface ProposalInput {
  kind: string;
  target: string;
  parameters: Record<string, unknown>;
  reason?: string;
  idempotencyKey?: string;
  /** What the redaction boundary replaced in the reason and parameters (counts per kind, for the audit entry). */
  redactions?: RedactionCounts;
}

/** The facts of an execution request gathered upstream (GitHub, hosting) before the transaction. */
export interface ExecuteFacts {
  headCommit?: string;
  checks?: Extract<PolicyRequest, { action: 'execute' }>['checks'];
  hosting?: Extract<PolicyRequest, { action: 'execute' }>['hosting'];
  executorConfigured: boolean;
}

export const STARTED: IntentState[] = ['executing', 'succeeded', 'failed'];

/** What every operation runs with: the transaction, the events to publish after it, its clock, and the object's policy. */
type Scope = { records: IntentRecords; scope: AuditScope; events: PendingEvents; now: Date; policy: IntentPolicy };

const OPERATIONS = {
  async propose(
    { records, scope, events, now, policy }: Scope,
    a: { input: ProposalInput; proposedCommit: string | null },
  ) {
    const { caller, project } = records;
    const { input } = a;
    const decision = decide(policy, {
      action: 'propose',
      actor: identity(records),
      kind: input.kind,
      target: input.target,
      parameters: input.parameters,
    });
    if (!decision.allowed) throw denied(decision);
    const [row] = await scope.tx
      .insert(intents)
      .values({
        id: crypto.randomUUID(),
        project,
        kind: input.kind,
        target: input.target,
        parameters: input.parameters,
        reason: input.reason ?? null,
        state: 'proposed',
        version: 1,
        proposerClient: caller.client,
        proposerPerson: caller.person ?? null,
        proposerLabel: caller.label,
        idempotencyKey: input.idempotencyKey ?? null,
        proposedCommit: a.proposedCommit,
        expiresAt: new Date(now.getTime() + policy.proposalTtlSeconds * 1000),
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      // A concurrent retry with the same idempotency key won; answer with its intent.
      const existing = await records.findByKey(scope.tx, input.idempotencyKey!);
      if (!existing) throw new ApiError('conflict', 'The proposal conflicted with another; retry it.');
      return { row: sameProposal(existing, input), created: false };
    }
    await records.record(scope, events, row, null, {
      action: 'propose',
      decision,
      to: 'proposed',
      commit: a.proposedCommit,
      summary: `${caller.label} proposed ${input.kind} to ${input.target}${input.reason ? `: ${clip(input.reason, 120, '…')}` : ''}`,
      detail: {
        kind: input.kind,
        target: input.target,
        expiresAt: row.expiresAt.toISOString(),
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
        ...(input.redactions ? { redactions: input.redactions } : {}),
      },
    });
    return { row, created: true };
  },

  async approve({ records, scope, events, now, policy }: Scope, a: { id: string; commit: string | null }) {
    const { caller } = records;
    const locked = await records.lock(scope, a.id);
    expectState(locked, ['proposed'], 'approve', now);
    const decision = decide(policy, { action: 'approve', actor: identity(records), intent: facts(locked), now });
    if (!decision.allowed) throw denied(decision);
    return records.transition(scope, events, locked, {
      action: 'approve',
      decision,
      to: 'approved',
      commit: a.commit,
      patch: {
        approvedCommit: a.commit,
        approvedBy: caller.label,
        approvedAt: now,
        approvalExpiresAt: new Date(now.getTime() + policy.approvalTtlSeconds * 1000),
      },
      summary: `${caller.label} approved ${locked.kind} to ${locked.target}${a.commit ? ` at ${a.commit.slice(0, 12)}` : ''} (proposed by ${locked.proposerLabel})`,
    });
  },

  async close(
    { records, scope, events, now, policy }: Scope,
    a: { id: string; action: 'reject' | 'cancel'; to: IntentState; why?: string; redactions?: RedactionCounts },
  ) {
    const locked = await records.lock(scope, a.id);
    expectState(locked, ['proposed', 'approved'], a.action, now);
    const decision = decide(policy, { action: a.action, actor: identity(records), intent: facts(locked) });
    if (!decision.allowed) throw denied(decision);
    return records.transition(scope, events, locked, {
      action: a.action,
      decision,
      to: a.to,
      summary: `${records.caller.label} ${a.to} ${locked.kind} to ${locked.target}${a.why ? `: ${clip(a.why, 120, '…')}` : ''}`,
      detail: {
        ...(a.why ? { why: clip(a.why, 500) } : {}),
        ...(a.redactions ? { redactions: a.redactions } : {}),
      },
    });
  },

  /** approved → executing under the row lock, before any side effect: a second call finds it started. */
  async start({ records, scope, events, now, policy }: Scope, a: { id: string; facts: ExecuteFacts }) {
    const locked = await records.lock(scope, a.id);
    if (STARTED.includes(locked.state)) return { row: locked, started: false };
    expectState(locked, ['approved'], 'execute', now);
    const decision = decide(policy, executeRequest(records, locked, now, a.facts));
    if (!decision.allowed) throw denied(decision);
    const kind = kindPolicy(policy, locked.kind)!;
    const target = targetConfig(policy, locked.target);
    const execution: IntentExecution = {
      attempt: (locked.execution?.attempt ?? 0) + 1,
      status: 'dispatching',
      startedAt: now.toISOString(),
      startedBy: records.caller.label,
      ...(locked.approvedCommit ? { commit: locked.approvedCommit } : {}),
      ...(kind.executor === 'workflow' && target
        ? { workflow: target.workflow, ref: targetRef(policy, locked.target) }
        : {}),
    };
    const row = await records.transition(scope, events, locked, {
      action: 'execute',
      decision,
      to: 'executing',
      commit: locked.approvedCommit,
      patch: { execution },
      summary: `${records.caller.label} started ${locked.kind} to ${locked.target}${locked.approvedCommit ? ` at ${locked.approvedCommit.slice(0, 12)}` : ''}`,
      detail: {
        attempt: execution.attempt,
        ...(execution.workflow ? { workflow: execution.workflow, ref: execution.ref } : {}),
      },
    });
    return { row, started: true };
  },

  /** Move every proposal past its lifetime to `expired`, each with its audit entry. */
  async expire({ records, scope, events, now }: Scope, _a: Record<string, never>) {
    const due = and(eq(intents.project, records.project), eq(intents.state, 'proposed'), lte(intents.expiresAt, now));
    const rows = await scope.tx
      .select()
      .from(intents)
      .where(due)
      .orderBy(asc(intents.expiresAt))
      .limit(100)
      .for('update', { skipLocked: true });
    for (const row of rows) {
      await records.transition(scope, events, row, {
        action: 'expire',
        decision: {
          allowed: true,
          rule: 'proposal-lifetime',
          reason: `the proposal expired at ${row.expiresAt.toISOString()} without approval`,
        },
        to: 'expired',
        summary: `${row.kind} to ${row.target} (proposed by ${row.proposerLabel}) expired without approval`,
      });
    }
    return rows.length;
  },

  /** Record a denied decision and its effect on the intent, if any. */
  async refuse({ records, scope, events }: Scope, a: { id: string; action: PolicyAction; decision: Decision }) {
    const { decision, action } = a;
    const locked = await records.lock(scope, a.id);
    // An approval only lapses through execute; a late approve must not expire an approved intent.
    const fromApproved = locked.state === 'approved' && action === 'execute';
    const effectTo: IntentState | undefined =
      decision.effect === 'expire' && (locked.state === 'proposed' || fromApproved)
        ? 'expired'
        : decision.effect === 'reapprove' && fromApproved
          ? 'proposed'
          : undefined;
    const label = records.caller.label;
    if (effectTo) {
      await records.transition(scope, events, locked, {
        action: `${action}.denied`,
        decision,
        to: effectTo,
        patch:
          effectTo === 'proposed'
            ? { approvedCommit: null, approvedBy: null, approvedAt: null, approvalExpiresAt: null }
            : {},
        summary: `${label} was refused ${action} of ${locked.kind} to ${locked.target} (${decision.rule}); the intent is now ${effectTo}`,
      });
    } else {
      await records.record(scope, events, locked, locked.state, {
        action: `${action}.denied`,
        decision,
        to: locked.state,
        summary: `${label} was refused ${action} of ${locked.kind} to ${locked.target} (${decision.rule}): ${decision.reason}`,
      });
    }
    return null;
  },

  /** Update an executing intent's execution record (run found, run status changed). */
  async progress(
    { records, scope, events, now }: Scope,
    a: { id: string; attempt?: number; change: Partial<IntentExecution>; action: 'dispatch' | 'progress' },
  ) {
    const locked = await records.lock(scope, a.id);
    if (locked.state !== 'executing' || locked.execution?.attempt !== a.attempt) return locked;
    // Decided under the row lock: concurrent followers (retried executes, the cron, the webhook) that all
    // found the run record it once, and a status already recorded is not recorded again.
    const known = locked.execution!;
    if (a.action === 'dispatch' ? known.runId !== undefined : known.runStatus === a.change.runStatus) return locked;
    const execution: IntentExecution = { ...known, ...a.change, lastCheckedAt: now.toISOString() };
    return records.transition(scope, events, locked, {
      action: a.action,
      decision: {
        allowed: true,
        rule: 'execution-follow',
        reason: a.action === 'dispatch' ? 'the workflow run was created' : `the workflow run is ${execution.runStatus}`,
      },
      to: 'executing',
      commit: locked.approvedCommit,
      patch: { execution },
      summary:
        a.action === 'dispatch'
          ? `${locked.kind} to ${locked.target}: workflow run ${execution.runId} started`
          : `${locked.kind} to ${locked.target}: workflow run ${execution.runId} is ${execution.runStatus}`,
      detail: { runId: execution.runId, runStatus: execution.runStatus, runUrl: execution.runUrl },
    });
  },

  /** Record the end of an execution, once: only an executing row of the same attempt is finished. */
  async finish(
    { records, scope, events, now }: Scope,
    a: { id: string; attempt?: number; to: 'succeeded' | 'failed'; outcome: string; change: Partial<IntentExecution> },
  ) {
    const locked = await records.lock(scope, a.id);
    if (locked.state !== 'executing' || locked.execution?.attempt !== a.attempt) return locked;
    const execution: IntentExecution = {
      ...locked.execution!,
      ...a.change,
      status: 'finished',
      finishedAt: now.toISOString(),
    };
    return records.transition(scope, events, locked, {
      action: a.to === 'succeeded' ? 'succeed' : 'fail',
      decision: { allowed: true, rule: 'execution-outcome', reason: a.outcome },
      to: a.to,
      commit: locked.approvedCommit,
      patch: { execution, outcome: clip(a.outcome, 300) },
      summary: clip(`${locked.kind} to ${locked.target} ${a.to}: ${a.outcome}`, 300, '…'),
      detail: { outcome: clip(a.outcome, 300), runId: execution.runId, conclusion: execution.conclusion },
    });
  },
};

export type IntentOperation = keyof typeof OPERATIONS;
export type IntentOperationArgs<N extends IntentOperation> = Parameters<(typeof OPERATIONS)[N]>[1];
export type IntentOperationResult<N extends IntentOperation> = Awaited<ReturnType<(typeof OPERATIONS)[N]>>;

/** Run one named operation inside a transaction the caller holds (the chain lock taken). */
export function runIntentOperation<N extends IntentOperation>(
  name: N,
  scope: Scope,
  args: IntentOperationArgs<N>,
): Promise<IntentOperationResult<N>> {
  const operation = OPERATIONS[name] as (
    scope: Scope,
    args: IntentOperationArgs<N>,
  ) => Promise<IntentOperationResult<N>>;
  if (!operation) throw new ApiError('bad_request', `No intent operation "${String(name)}".`);
  return operation(scope, args);
}

function identity(records: IntentRecords) {
  return { client: records.caller.client, person: records.caller.person };
}

export function executeRequest(records: IntentRecords, row: IntentRow, now: Date, f: ExecuteFacts): PolicyRequest {
  return { action: 'execute', actor: identity(records), intent: facts(row), now, ...f };
}

export function facts(row: IntentRow): IntentFacts {
  return {
    kind: row.kind,
    target: row.target,
    proposer: {
      client: row.proposerClient as IntentFacts['proposer']['client'],
      person: row.proposerPerson ?? undefined,
    },
    expiresAt: row.expiresAt,
    approvedCommit: row.approvedCommit,
    approvalExpiresAt: row.approvalExpiresAt,
  };
}

export function denied(decision: Decision): ApiError {
  return new ApiError('policy_denied', decision.reason, { extra: { rule: decision.rule } });
}

export function expectState(row: IntentRow, allowed: IntentState[], action: string, now: Date): void {
  if (allowed.includes(row.state)) return;
  const expired = row.state === 'proposed' && now >= row.expiresAt;
  throw new ApiError(
    'invalid_state',
    `Cannot ${action} intent ${row.id}: it is ${expired ? 'expired' : row.state} (needs ${allowed.join(' or ')}).`,
    {
      extra: { state: expired ? 'expired' : row.state },
    },
  );
}

/** A retried proposal must be the same proposal; a reused key with other content is a client bug. */
export function sameProposal(existing: IntentRow, input: ProposalInput): IntentRow {
  if (
    existing.kind !== input.kind ||
    existing.target !== input.target ||
    canonicalJson(existing.parameters) !== canonicalJson(input.parameters)
  ) {
    throw new ApiError(
      'conflict',
      `idempotencyKey "${input.idempotencyKey}" was already used for ${existing.kind} to ${existing.target} (intent ${existing.id}); use a new key for a different proposal.`,
      {
        extra: { intentId: existing.id },
      },
    );
  }
  return existing;
}
