import { and, asc, desc, eq, lt, lte, or, type SQL } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { Ledger } from '../db/client';
import type { EventPublisher } from '../events/publisher';
import type { Logger } from '../lib/log';
import { intentDecisions, intents, type IntentExecution, type IntentRow, type IntentState } from '../db/schema';
import { decide, targetRef, type Decision, type IntentFacts, type IntentPolicy, type PolicyAction, type PolicyRequest } from './policy';
import type { HostingOperations, IntentGitHub, WorkflowRun } from './ports';
import { IntentRecords } from './records';
import { IntentRunner } from './execution';
import { toDecisionView, toView, type DecisionView, type IntentView } from './view';

export interface IntentServiceDeps {
  project: string;
  policy: IntentPolicy;
  ledger: Ledger;
  audit: AuditLog;
  events: EventPublisher;
  caller: Caller;
  github: IntentGitHub;
  hosting: HostingOperations;
  log: Logger;
  dispatchConfirmSeconds: number;
  now?: () => Date;
}

export interface ProposalInput {
  kind: string;
  target: string;
  parameters: Record<string, unknown>;
  reason?: string;
  idempotencyKey?: string;
}

export interface ListQuery {
  state?: IntentState;
  kind?: string;
  target?: string;
  proposer?: string;
  cursor?: { createdAt: Date; id: string };
  limit: number;
}

const STARTED: IntentState[] = ['executing', 'succeeded', 'failed'];

/**
 * The intent lifecycle for one caller: propose, approve, reject, cancel,
 * execute. Every decision is made by the policy's `decide`; every change goes
 * through `IntentRecords` (locked row, conditional update, audit entry in the
 * same transaction); side effects run in `IntentRunner`.
 */
export class IntentService {
  private readonly records: IntentRecords;
  private readonly runner: IntentRunner;

  constructor(private readonly deps: IntentServiceDeps) {
    const now = () => this.now();
    this.records = new IntentRecords({ project: deps.project, ledger: deps.ledger, audit: deps.audit, events: deps.events, caller: deps.caller, log: deps.log, now });
    this.runner = new IntentRunner({
      policy: deps.policy,
      records: this.records,
      github: deps.github,
      hosting: deps.hosting,
      log: deps.log,
      dispatchConfirmSeconds: deps.dispatchConfirmSeconds,
      now,
    });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private get actor() {
    return { client: this.deps.caller.client, person: this.deps.caller.person };
  }

  /** The intent and its decision history, oldest first (the first `maxDecisions`; `decisionsTruncated` says if more exist). */
  async get(id: string, maxDecisions = 200): Promise<{ intent: IntentView; decisions: DecisionView[]; decisionsTruncated: boolean }> {
    await this.expireDue();
    return this.records.read(async (db) => {
      const row = await this.records.find(db, id);
      const decisions = await db.select().from(intentDecisions).where(eq(intentDecisions.intentId, row.id)).orderBy(asc(intentDecisions.id)).limit(maxDecisions + 1);
      return { intent: toView(row), decisions: decisions.slice(0, maxDecisions).map(toDecisionView), decisionsTruncated: decisions.length > maxDecisions };
    });
  }

  async list(query: ListQuery): Promise<{ intents: IntentView[]; hasMore: boolean }> {
    await this.expireDue();
    return this.records.read(async (db) => {
      const where: SQL[] = [eq(intents.project, this.deps.project)];
      if (query.state) where.push(eq(intents.state, query.state));
      if (query.kind) where.push(eq(intents.kind, query.kind));
      if (query.target) where.push(eq(intents.target, query.target));
      if (query.proposer) where.push(eq(intents.proposerLabel, query.proposer));
      if (query.cursor) {
        const { createdAt, id } = query.cursor;
        where.push(or(lt(intents.createdAt, createdAt), and(eq(intents.createdAt, createdAt), lt(intents.id, id)))!);
      }
      const rows = await db
        .select()
        .from(intents)
        .where(and(...where))
        .orderBy(desc(intents.createdAt), desc(intents.id))
        .limit(query.limit + 1);
      return { intents: rows.slice(0, query.limit).map(toView), hasMore: rows.length > query.limit };
    });
  }

  async propose(input: ProposalInput): Promise<{ intent: IntentView; created: boolean }> {
    const { policy, caller, project } = this.deps;
    const decision = decide(policy, { action: 'propose', actor: this.actor, kind: input.kind, target: input.target, parameters: input.parameters });

    if (input.idempotencyKey) {
      const existing = await this.records.read((db) => this.records.findByKey(db, input.idempotencyKey!));
      if (existing) return { intent: toView(this.sameProposal(existing, input)), created: false };
    }

    if (!decision.allowed) {
      await this.deps.audit.record({
        action: 'intent.propose.denied',
        target: `intents:${project}`,
        summary: `${caller.label} was refused a ${input.kind} proposal for ${input.target}: ${decision.reason}`,
        detail: { kind: input.kind, target: input.target, allowed: false, rule: decision.rule, reason: decision.reason },
      });
      await this.records.publish('intent.denied', `${caller.label} was refused a ${input.kind} proposal for ${input.target} (${decision.rule})`, {
        action: 'propose',
        kind: input.kind,
        target: input.target,
        rule: decision.rule,
      });
      throw denied(decision);
    }

    const kind = policy.kinds[input.kind]!;
    let proposedCommit: string | null = null;
    if (kind.commitBinding === 'branch-head' && this.deps.github.configured) {
      // Informative only (the approval binds the commit), so a GitHub hiccup does not block a proposal.
      proposedCommit = await this.deps.github.branchHead(targetRef(policy, input.target)).catch((error: unknown) => {
        this.deps.log.warn('intent proposal could not read the branch head', { target: input.target, error: String(error) });
        return null;
      });
    } else if (kind.commitBinding === 'parameter') {
      proposedCommit = String(input.parameters.commit).toLowerCase();
    }

    const now = this.now();
    const result = await this.records.transact(async (scope, events) => {
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
          proposedCommit,
          expiresAt: new Date(now.getTime() + policy.proposalTtlSeconds * 1000),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) {
        // A concurrent retry with the same idempotency key won; answer with its intent.
        const existing = await this.records.findByKey(scope.tx, input.idempotencyKey!);
        if (!existing) throw new ApiError('conflict', 'The proposal conflicted with another; retry it.');
        return { row: this.sameProposal(existing, input), created: false };
      }
      await this.records.record(scope, events, row, null, {
        action: 'propose',
        decision,
        to: 'proposed',
        commit: proposedCommit,
        summary: `${caller.label} proposed ${input.kind} to ${input.target}${input.reason ? `: ${input.reason.slice(0, 120)}` : ''}`,
        detail: { kind: input.kind, target: input.target, expiresAt: row.expiresAt.toISOString(), ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}) },
      });
      return { row, created: true };
    });
    return { intent: toView(result.row), created: result.created };
  }

  async approve(id: string, reviewedCommit?: string): Promise<IntentView> {
    const { policy, caller } = this.deps;
    const row = await this.records.read((db) => this.records.find(db, id));
    const request = (r: IntentRow): PolicyRequest => ({ action: 'approve', actor: this.actor, intent: facts(r), now: this.now() });
    const first = decide(policy, request(row));
    if (!first.allowed) return this.refuse(row.id, 'approve', first);
    if (row.state === 'approved' && row.approvedBy === caller.label) return toView(row); // a retried approval
    this.expectState(row, ['proposed'], 'approve');

    const commit = await this.commitToBind(row, reviewedCommit);
    const now = this.now();
    const updated = await this.records.transact(async (scope, events) => {
      const locked = await this.records.lock(scope, id);
      this.expectState(locked, ['proposed'], 'approve');
      const decision = decide(policy, request(locked));
      if (!decision.allowed) throw denied(decision);
      return this.records.transition(scope, events, locked, {
        action: 'approve',
        decision,
        to: 'approved',
        commit,
        patch: {
          approvedCommit: commit,
          approvedBy: caller.label,
          approvedAt: now,
          approvalExpiresAt: new Date(now.getTime() + policy.approvalTtlSeconds * 1000),
        },
        summary: `${caller.label} approved ${locked.kind} to ${locked.target}${commit ? ` at ${commit.slice(0, 12)}` : ''} (proposed by ${locked.proposerLabel})`,
      });
    });
    return toView(updated);
  }

  reject(id: string, why?: string): Promise<IntentView> {
    return this.close(id, 'reject', 'rejected', why);
  }

  cancel(id: string, why?: string): Promise<IntentView> {
    return this.close(id, 'cancel', 'cancelled', why);
  }

  private async close(id: string, action: 'reject' | 'cancel', to: IntentState, why?: string): Promise<IntentView> {
    const { policy, caller } = this.deps;
    const row = await this.records.read((db) => this.records.find(db, id));
    const decision = decide(policy, { action, actor: this.actor, intent: facts(row) });
    if (!decision.allowed) return this.refuse(row.id, action, decision);
    if (row.state === to) return toView(row);
    this.expectState(row, ['proposed', 'approved'], action);
    const updated = await this.records.transact(async (scope, events) => {
      const locked = await this.records.lock(scope, id);
      this.expectState(locked, ['proposed', 'approved'], action);
      return this.records.transition(scope, events, locked, {
        action,
        decision,
        to,
        summary: `${caller.label} ${to} ${locked.kind} to ${locked.target}${why ? `: ${why.slice(0, 120)}` : ''}`,
        detail: why ? { why: why.slice(0, 500) } : {},
      });
    });
    return toView(updated);
  }

  /**
   * Start execution at most once: the row moves approved → executing under its
   * lock before any side effect, so concurrent or retried calls find it already
   * started and get its current state instead of a second run.
   */
  async execute(id: string): Promise<{ intent: IntentView; started: boolean }> {
    const { policy, caller } = this.deps;
    const row = await this.records.read((db) => this.records.find(db, id));
    if (STARTED.includes(row.state)) return { intent: toView(await this.runner.followOne(row)), started: false };
    if (row.state === 'proposed' && this.now() >= row.expiresAt) await this.expireDue();
    this.expectState(row, ['approved'], 'execute');

    const request = await this.executeFacts(row);
    const first = decide(policy, request(row));
    if (!first.allowed) return this.refuse(row.id, 'execute', first);
    const kind = policy.kinds[row.kind]!;

    const started = await this.records.transact(async (scope, events) => {
      const locked = await this.records.lock(scope, id);
      if (STARTED.includes(locked.state)) return { row: locked, started: false };
      this.expectState(locked, ['approved'], 'execute');
      const decision = decide(policy, request(locked));
      if (!decision.allowed) throw denied(decision);
      const target = policy.targets[locked.target];
      const execution: IntentExecution = {
        attempt: (locked.execution?.attempt ?? 0) + 1,
        status: 'dispatching',
        startedAt: this.now().toISOString(),
        startedBy: caller.label,
        ...(locked.approvedCommit ? { commit: locked.approvedCommit } : {}),
        ...(kind.executor === 'workflow' && target ? { workflow: target.workflow, ref: targetRef(policy, locked.target) } : {}),
      };
      const updated = await this.records.transition(scope, events, locked, {
        action: 'execute',
        decision,
        to: 'executing',
        commit: locked.approvedCommit,
        patch: { execution },
        summary: `${caller.label} started ${locked.kind} to ${locked.target}${locked.approvedCommit ? ` at ${locked.approvedCommit.slice(0, 12)}` : ''}`,
        detail: { attempt: execution.attempt, ...(execution.workflow ? { workflow: execution.workflow, ref: execution.ref } : {}) },
      });
      return { row: updated, started: true };
    });
    if (!started.started) return { intent: toView(started.row), started: false };
    return { intent: toView(await this.runner.perform(started.row)), started: true };
  }

  /** Cron: expire due proposals and follow every executing intent. */
  async followAll(): Promise<{ followed: number; finished: number; expired: number }> {
    const expired = await this.expireDue();
    return { ...(await this.runner.followAll()), expired };
  }

  /** A workflow run GitHub reported through the webhook: the executing intent it belongs to, moved on (or null). */
  async reportWorkflowRun(run: WorkflowRun): Promise<IntentView | null> {
    const row = await this.runner.reportRun(run);
    return row ? toView(row) : null;
  }

  /** Move every proposal past its lifetime to `expired`, each with its audit entry. */
  async expireDue(): Promise<number> {
    const due = and(eq(intents.project, this.deps.project), eq(intents.state, 'proposed'), lte(intents.expiresAt, this.now()));
    const [probe] = await this.records.read((db) => db.select({ id: intents.id }).from(intents).where(due).limit(1));
    if (!probe) return 0;
    return this.records.transact(async (scope, events) => {
      const rows = await scope.tx.select().from(intents).where(due).orderBy(asc(intents.expiresAt)).limit(100).for('update', { skipLocked: true });
      for (const row of rows) {
        await this.records.transition(scope, events, row, {
          action: 'expire',
          decision: { allowed: true, rule: 'proposal-lifetime', reason: `the proposal expired at ${row.expiresAt.toISOString()} without approval` },
          to: 'expired',
          summary: `${row.kind} to ${row.target} (proposed by ${row.proposerLabel}) expired without approval`,
        });
      }
      return rows.length;
    });
  }

  /** The facts `decide` needs to judge an execution, asked upstream only when the policy would need them. */
  private async executeFacts(row: IntentRow): Promise<(r: IntentRow) => PolicyRequest> {
    const { policy, github, hosting, caller } = this.deps;
    const kind = policy.kinds[row.kind];
    const executorConfigured = kind?.executor === 'hosting' ? hosting.configured : github.configured;
    let headCommit: string | undefined;
    let checks: Awaited<ReturnType<IntentGitHub['combinedStatus']>> | undefined;
    let health: Awaited<ReturnType<HostingOperations['health']>> | undefined;
    if (kind && kind.executors.includes(caller.client) && executorConfigured) {
      if (kind.commitBinding === 'branch-head') headCommit = await github.branchHead(targetRef(policy, row.target));
      if (kind.preflight.checksGreen && row.approvedCommit && github.configured) checks = await github.combinedStatus(row.approvedCommit);
      if (kind.preflight.hostingHealthy) health = await hosting.health(row.target);
    }
    return (r) => ({ action: 'execute', actor: this.actor, intent: facts(r), now: this.now(), headCommit, checks, hosting: health, executorConfigured });
  }

  private async commitToBind(row: IntentRow, reviewed?: string): Promise<string | null> {
    const { policy } = this.deps;
    const binding = policy.kinds[row.kind]?.commitBinding ?? 'none';
    if (binding === 'none') return null;
    const commit = binding === 'parameter' ? String(row.parameters.commit).toLowerCase() : await this.deps.github.branchHead(targetRef(policy, row.target));
    if (reviewed && !commit.startsWith(reviewed.toLowerCase())) {
      throw new ApiError('conflict', `You reviewed ${reviewed.slice(0, 12)} but ${row.target} is at ${commit.slice(0, 12)}; review the new commit and approve again.`, {
        extra: { currentCommit: commit },
      });
    }
    return commit;
  }

  /** Record a denied decision (and its effect on the intent, if any), then refuse. */
  private async refuse(id: string, action: PolicyAction, decision: Decision): Promise<never> {
    const { caller } = this.deps;
    await this.records.transact(async (scope, events) => {
      const locked = await this.records.lock(scope, id);
      // An approval only lapses through execute; a late approve must not expire an approved intent.
      const fromApproved = locked.state === 'approved' && action === 'execute';
      const effectTo: IntentState | undefined =
        decision.effect === 'expire' && (locked.state === 'proposed' || fromApproved)
          ? 'expired'
          : decision.effect === 'reapprove' && fromApproved
            ? 'proposed'
            : undefined;
      if (effectTo) {
        await this.records.transition(scope, events, locked, {
          action: `${action}.denied`,
          decision,
          to: effectTo,
          patch: effectTo === 'proposed' ? { approvedCommit: null, approvedBy: null, approvedAt: null, approvalExpiresAt: null } : {},
          summary: `${caller.label} was refused ${action} of ${locked.kind} to ${locked.target} (${decision.rule}); the intent is now ${effectTo}`,
        });
      } else {
        await this.records.record(scope, events, locked, locked.state, {
          action: `${action}.denied`,
          decision,
          to: locked.state,
          summary: `${caller.label} was refused ${action} of ${locked.kind} to ${locked.target} (${decision.rule}): ${decision.reason}`,
        });
      }
    });
    throw denied(decision);
  }

  /** A retried proposal must be the same proposal; a reused key with other content is a client bug. */
  private sameProposal(existing: IntentRow, input: ProposalInput): IntentRow {
    if (existing.kind !== input.kind || existing.target !== input.target || canonical(existing.parameters) !== canonical(input.parameters)) {
      throw new ApiError('conflict', `idempotencyKey "${input.idempotencyKey}" was already used for ${existing.kind} to ${existing.target} (intent ${existing.id}); use a new key for a different proposal.`, {
        extra: { intentId: existing.id },
      });
    }
    return existing;
  }

  private expectState(row: IntentRow, allowed: IntentState[], action: string): void {
    if (allowed.includes(row.state)) return;
    const expired = row.state === 'proposed' && this.now() >= row.expiresAt;
    throw new ApiError('invalid_state', `Cannot ${action} intent ${row.id}: it is ${expired ? 'expired' : row.state} (needs ${allowed.join(' or ')}).`, {
      extra: { state: expired ? 'expired' : row.state },
    });
  }
}

function facts(row: IntentRow): IntentFacts {
  return {
    kind: row.kind,
    target: row.target,
    proposer: { client: row.proposerClient as IntentFacts['proposer']['client'], person: row.proposerPerson ?? undefined },
    expiresAt: row.expiresAt,
    approvedCommit: row.approvedCommit,
    approvalExpiresAt: row.approvalExpiresAt,
  };
}

function denied(decision: Decision): ApiError {
  return new ApiError('policy_denied', decision.reason, { extra: { rule: decision.rule } });
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
