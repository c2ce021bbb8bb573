import { and, asc, desc, eq, lt, lte, or, type SQL } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import type { AuditLog, AuditScope } from '../audit/log';
import type { Ledger } from '../db/client';
import type { EventPublisher } from '../events/publisher';
import type { Logger } from '../lib/log';
import { intentDecisions, intents, type IntentExecution, type IntentRow, type IntentState } from '../db/schema';
import { decide, type Decision, type IntentFacts, type IntentPolicy, type PolicyAction, type PolicyRequest } from './policy';
import type { HostingOperations, IntentGitHub } from './ports';
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

/** A transition's record: decision row, audit entry and event, written with the state change. */
interface Transition {
  action: string;
  decision: Decision;
  to: IntentState;
  patch?: Partial<IntentRow>;
  summary: string;
  commit?: string | null;
  detail?: Record<string, unknown>;
}

const FINISHED_OR_RUNNING: IntentState[] = ['executing', 'succeeded', 'failed'];

/**
 * The intent lifecycle: propose, approve, reject, cancel, execute, follow. Every
 * decision is made by `decide`; every transition is a conditional UPDATE on the
 * row locked with SELECT … FOR UPDATE, written in the same transaction as its
 * audit entry and decision record, and published once committed.
 */
export class IntentService {
  private readonly pending: { type: string; summary: string; data: Record<string, unknown> }[] = [];

  constructor(private readonly deps: IntentServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private get actor() {
    return { client: this.deps.caller.client, person: this.deps.caller.person };
  }

  // --- reads ---------------------------------------------------------------

  async get(id: string): Promise<{ intent: IntentView; decisions: DecisionView[] }> {
    await this.expireDue();
    return this.deps.ledger.use(async (db) => {
      const row = await this.find(db, id);
      const decisions = await db.select().from(intentDecisions).where(eq(intentDecisions.intentId, row.id)).orderBy(asc(intentDecisions.id)).limit(200);
      return { intent: toView(row), decisions: decisions.map(toDecisionView) };
    });
  }

  async list(query: ListQuery): Promise<{ intents: IntentView[]; hasMore: boolean }> {
    await this.expireDue();
    return this.deps.ledger.use(async (db) => {
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

  // --- propose -------------------------------------------------------------

  async propose(input: ProposalInput): Promise<{ intent: IntentView; created: boolean }> {
    const { policy, caller, project } = this.deps;
    const decision = decide(policy, { action: 'propose', actor: this.actor, kind: input.kind, target: input.target, parameters: input.parameters });

    if (input.idempotencyKey) {
      const existing = await this.deps.ledger.use((db) => this.findByKey(db, input.idempotencyKey!));
      if (existing) return { intent: toView(this.sameProposal(existing, input)), created: false };
    }

    if (!decision.allowed) {
      await this.deps.audit.transact((scope) =>
        scope.append({
          action: 'intent.propose.denied',
          target: `intents:${project}`,
          summary: `${caller.label} was refused a ${input.kind} proposal for ${input.target}: ${decision.reason}`,
          detail: { kind: input.kind, target: input.target, allowed: false, rule: decision.rule, reason: decision.reason },
        }),
      );
      await this.publish('intent.denied', `${caller.label} was refused a ${input.kind} proposal for ${input.target} (${decision.rule})`, {
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
      proposedCommit = await this.deps.github.branchHead(this.refOf(input.target)).catch((error: unknown) => {
        this.deps.log.warn('intent proposal could not read the branch head', { target: input.target, error: String(error) });
        return null;
      });
    } else if (kind.commitBinding === 'parameter') {
      proposedCommit = String(input.parameters.commit).toLowerCase();
    }

    const now = this.now();
    const result = await this.deps.audit.transact(async (scope) => {
      const id = crypto.randomUUID();
      const [row] = await scope.tx
        .insert(intents)
        .values({
          id,
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
        const existing = await this.findByKey(scope.tx, input.idempotencyKey!);
        if (!existing) throw new ApiError('conflict', 'The proposal conflicted with another; retry it.');
        return { row: this.sameProposal(existing, input), created: false };
      }
      await this.record(scope, row, null, {
        action: 'propose',
        decision,
        to: 'proposed',
        commit: proposedCommit,
        summary: `${caller.label} proposed ${input.kind} to ${input.target}${input.reason ? `: ${input.reason.slice(0, 120)}` : ''}`,
        detail: { kind: input.kind, target: input.target, expiresAt: row.expiresAt.toISOString(), ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}) },
      });
      return { row, created: true };
    });
    await this.flush();
    return { intent: toView(result.row), created: result.created };
  }

  // --- decisions on a proposal ----------------------------------------------

  async approve(id: string, reviewedCommit?: string): Promise<IntentView> {
    const { policy, caller } = this.deps;
    const row = await this.deps.ledger.use((db) => this.find(db, id));
    const request = (r: IntentRow): PolicyRequest => ({ action: 'approve', actor: this.actor, intent: facts(r), now: this.now() });
    const first = decide(policy, request(row));
    if (!first.allowed) return this.refuse(row.id, 'approve', first);
    if (row.state === 'approved' && row.approvedBy === caller.label) return toView(row); // a retried approval
    this.expectState(row, ['proposed'], 'approve');

    const commit = await this.commitToBind(row, reviewedCommit);
    const now = this.now();
    const updated = await this.deps.audit.transact(async (scope) => {
      const locked = await this.lock(scope, id);
      this.expectState(locked, ['proposed'], 'approve');
      const decision = decide(policy, request(locked));
      if (!decision.allowed) throw denied(decision);
      return this.transition(scope, locked, {
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
    await this.flush();
    return toView(updated);
  }

  async reject(id: string, why?: string): Promise<IntentView> {
    return this.close(id, 'reject', 'rejected', why);
  }

  async cancel(id: string, why?: string): Promise<IntentView> {
    return this.close(id, 'cancel', 'cancelled', why);
  }

  private async close(id: string, action: 'reject' | 'cancel', to: IntentState, why?: string): Promise<IntentView> {
    const { policy, caller } = this.deps;
    const row = await this.deps.ledger.use((db) => this.find(db, id));
    const first = decide(policy, { action, actor: this.actor, intent: facts(row) });
    if (!first.allowed) return this.refuse(row.id, action, first);
    if (row.state === to) return toView(row);
    this.expectState(row, ['proposed', 'approved'], action);
    const updated = await this.deps.audit.transact(async (scope) => {
      const locked = await this.lock(scope, id);
      this.expectState(locked, ['proposed', 'approved'], action);
      return this.transition(scope, locked, {
        action,
        decision: first,
        to,
        summary: `${caller.label} ${to} ${locked.kind} to ${locked.target}${why ? `: ${why.slice(0, 120)}` : ''}`,
        detail: why ? { why: why.slice(0, 500) } : {},
      });
    });
    await this.flush();
    return toView(updated);
  }

  // --- execute -------------------------------------------------------------

  /**
   * Start execution at most once: the row moves approved → executing under its
   * lock before any side effect, so concurrent or retried calls find it already
   * executing and get its current state instead of a second run.
   */
  async execute(id: string): Promise<{ intent: IntentView; started: boolean }> {
    const { policy, caller } = this.deps;
    const row = await this.deps.ledger.use((db) => this.find(db, id));
    if (FINISHED_OR_RUNNING.includes(row.state)) return { intent: toView(await this.followOne(row)), started: false };
    if (row.state === 'proposed' && this.now() >= row.expiresAt) await this.expireDue();
    this.expectState(row, ['approved'], 'execute');

    const kind = policy.kinds[row.kind];
    const request = await this.executeFacts(row);
    const first = decide(policy, request(row));
    if (!first.allowed || !kind) return this.refuse(row.id, 'execute', first);

    const started = await this.deps.audit.transact(async (scope) => {
      const locked = await this.lock(scope, id);
      if (FINISHED_OR_RUNNING.includes(locked.state)) return { row: locked, started: false };
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
        ...(kind.executor === 'workflow' && target ? { workflow: target.workflow, ref: this.refOf(locked.target) } : {}),
      };
      const updated = await this.transition(scope, locked, {
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
    await this.flush();
    if (!started.started) return { intent: toView(started.row), started: false };
    return { intent: toView(await this.perform(started.row)), started: true };
  }

  private async executeFacts(row: IntentRow): Promise<(r: IntentRow) => PolicyRequest> {
    const kind = this.deps.policy.kinds[row.kind];
    const { github, hosting } = this.deps;
    const executorConfigured = kind?.executor === 'hosting' ? hosting.configured : github.configured;
    const mayExecute = kind?.executors.includes(this.deps.caller.client) ?? false;
    let headCommit: string | undefined;
    let checks: Awaited<ReturnType<IntentGitHub['combinedStatus']>> | undefined;
    let health: Awaited<ReturnType<HostingOperations['health']>> | undefined;
    // Ask upstream only for a caller the policy would let through, and only what the policy needs.
    if (kind && mayExecute && executorConfigured) {
      if (kind.commitBinding === 'branch-head') headCommit = await github.branchHead(this.refOf(row.target));
      if (kind.preflight.checksGreen && row.approvedCommit && github.configured) checks = await github.combinedStatus(row.approvedCommit);
      if (kind.preflight.hostingHealthy) health = await hosting.health(row.target);
    }
    return (r) => ({ action: 'execute', actor: this.actor, intent: facts(r), now: this.now(), headCommit, checks, hosting: health, executorConfigured });
  }

  /** Run the side effect of an intent that just moved to executing, and record what happened. */
  private async perform(row: IntentRow): Promise<IntentRow> {
    const kind = this.deps.policy.kinds[row.kind]!;
    const execution = row.execution!;
    if (kind.executor === 'hosting') {
      const result = await this.deps.hosting
        .perform(row.kind as 'restart' | 'purge-cache', row.target)
        .catch((error: unknown) => ({ status: 'failed' as const, detail: publicMessage(error) }));
      if (result.status === 'done') return this.finish(row, 'succeeded', result.detail ?? `${row.kind} done`, {});
      return this.finish(row, 'failed', result.status === 'failed' ? result.detail : 'hosting is not configured', {});
    }

    const target = this.deps.policy.targets[row.target];
    if (!target || !execution.workflow || !execution.ref) return this.finish(row, 'failed', `no workflow is configured for ${row.target}`, {});
    try {
      const { runId } = await this.deps.github.dispatchWorkflow({
        workflow: execution.workflow,
        ref: execution.ref,
        inputs: { ...target.inputs, ...(row.approvedCommit ? { commit: row.approvedCommit } : {}), intent: row.id },
      });
      const run = runId !== undefined ? await this.deps.github.run(runId).catch(() => undefined) : await this.findRun(row).catch(() => undefined);
      if (run || runId !== undefined) {
        return this.progress(row, { runId: run?.id ?? runId, runUrl: run?.url, runStatus: run?.status ?? 'queued', status: 'running' }, 'dispatch');
      }
      return row; // dispatched; the follower will find the run
    } catch (error) {
      const status = (error as ApiError).status;
      if (error instanceof ApiError && status < 500 && status !== 429) {
        // GitHub refused the dispatch: nothing ran.
        return this.finish(row, 'failed', `dispatch refused: ${error.message}`, { error: error.message });
      }
      // The dispatch may or may not have happened: never re-send it; the follower confirms or records the failure.
      this.deps.log.warn('workflow dispatch outcome unknown', { intent: row.id, error: publicMessage(error) });
      return row;
    }
  }

  /** One look at an executing intent (cron, or a retried execute): find its run, record its end. */
  async followOne(row: IntentRow): Promise<IntentRow> {
    if (row.state !== 'executing' || !row.execution) return row;
    const execution = row.execution;
    const age = this.now().getTime() - Date.parse(execution.startedAt);
    const overdue = age > this.deps.dispatchConfirmSeconds * 1000;
    try {
      if (execution.runId === undefined) {
        const kind = this.deps.policy.kinds[row.kind];
        const run = kind?.executor === 'workflow' && execution.workflow ? await this.findRun(row) : undefined;
        if (run) return this.recordRun(await this.progress(row, { runId: run.id, runUrl: run.url, runStatus: run.status, status: 'running' }, 'dispatch'), run);
        if (overdue) {
          return this.finish(row, 'failed', kind?.executor === 'hosting' ? 'outcome unknown: the request executing it ended before recording a result' : 'dispatch not confirmed: no workflow run appeared', {});
        }
        return row;
      }
      return this.recordRun(row, await this.deps.github.run(execution.runId));
    } catch (error) {
      this.deps.log.warn('following an intent failed', { intent: row.id, error: publicMessage(error) });
      return row;
    }
  }

  /** Cron: expire due proposals and follow every executing intent of the project. */
  async followAll(limit = 50): Promise<{ followed: number; finished: number }> {
    await this.expireDue();
    const rows = await this.deps.ledger.use((db) =>
      db.select().from(intents).where(and(eq(intents.project, this.deps.project), eq(intents.state, 'executing'))).orderBy(asc(intents.updatedAt)).limit(limit),
    );
    let finished = 0;
    for (const row of rows) {
      const after = await this.followOne(row);
      if (after.state !== 'executing') finished++;
    }
    return { followed: rows.length, finished };
  }

  private findRun(row: IntentRow) {
    const execution = row.execution!;
    return this.deps.github.findDispatchedRun({
      workflow: execution.workflow!,
      branch: execution.ref!,
      headSha: row.approvedCommit ?? undefined,
      since: new Date(execution.startedAt),
    });
  }

  private async recordRun(row: IntentRow, run: { status: string; conclusion: string | null; url: string }): Promise<IntentRow> {
    if (run.status !== 'completed') {
      if (row.execution?.runStatus === run.status) return row;
      return this.progress(row, { runStatus: run.status, runUrl: run.url }, 'progress');
    }
    const ok = run.conclusion === 'success';
    return this.finish(row, ok ? 'succeeded' : 'failed', `workflow run ${ok ? 'succeeded' : `ended ${run.conclusion ?? 'without a conclusion'}`}`, {
      runStatus: run.status,
      conclusion: run.conclusion,
      runUrl: run.url,
    });
  }

  /** Update an executing intent's execution record (run found, run status changed). */
  private async progress(row: IntentRow, change: Partial<IntentExecution>, action: 'dispatch' | 'progress'): Promise<IntentRow> {
    const updated = await this.deps.audit.transact(async (scope) => {
      const locked = await this.lock(scope, row.id);
      if (locked.state !== 'executing' || locked.execution?.attempt !== row.execution?.attempt) return locked;
      const execution: IntentExecution = { ...locked.execution!, ...change, lastCheckedAt: this.now().toISOString() };
      return this.transition(scope, locked, {
        action,
        decision: { allowed: true, rule: 'execution-follow', reason: action === 'dispatch' ? 'the workflow run was created' : `the workflow run is ${execution.runStatus}` },
        to: 'executing',
        commit: locked.approvedCommit,
        patch: { execution },
        summary:
          action === 'dispatch'
            ? `${locked.kind} to ${locked.target}: workflow run ${execution.runId} started`
            : `${locked.kind} to ${locked.target}: workflow run ${execution.runId} is ${execution.runStatus}`,
        detail: { runId: execution.runId, runStatus: execution.runStatus, runUrl: execution.runUrl },
      });
    });
    await this.flush();
    return updated;
  }

  /** Record the end of an execution. Written once: only an executing row of the same attempt is finished. */
  private async finish(row: IntentRow, to: 'succeeded' | 'failed', outcome: string, change: Partial<IntentExecution>): Promise<IntentRow> {
    const updated = await this.deps.audit.transact(async (scope) => {
      const locked = await this.lock(scope, row.id);
      if (locked.state !== 'executing' || locked.execution?.attempt !== row.execution?.attempt) return locked;
      const execution: IntentExecution = { ...locked.execution!, ...change, status: 'finished', finishedAt: this.now().toISOString() };
      return this.transition(scope, locked, {
        action: to === 'succeeded' ? 'succeed' : 'fail',
        decision: { allowed: true, rule: 'execution-outcome', reason: outcome },
        to,
        commit: locked.approvedCommit,
        patch: { execution, outcome: outcome.slice(0, 300) },
        summary: `${locked.kind} to ${locked.target} ${to}: ${outcome}`.slice(0, 300),
        detail: { outcome: outcome.slice(0, 300), runId: execution.runId, conclusion: execution.conclusion },
      });
    });
    await this.flush();
    return updated;
  }

  // --- expiry --------------------------------------------------------------

  /** Move every proposal past its lifetime to `expired`, each with its audit entry. */
  async expireDue(): Promise<number> {
    const now = this.now();
    const due = and(eq(intents.project, this.deps.project), eq(intents.state, 'proposed'), lte(intents.expiresAt, now));
    const [probe] = await this.deps.ledger.use((db) => db.select({ id: intents.id }).from(intents).where(due).limit(1));
    if (!probe) return 0;
    const count = await this.deps.audit.transact(async (scope) => {
      const rows = await scope.tx.select().from(intents).where(due).orderBy(asc(intents.expiresAt)).limit(100).for('update', { skipLocked: true });
      for (const row of rows) {
        await this.transition(scope, row, {
          action: 'expire',
          decision: { allowed: true, rule: 'proposal-lifetime', reason: `the proposal expired at ${row.expiresAt.toISOString()} without approval` },
          to: 'expired',
          summary: `${row.kind} to ${row.target} (proposed by ${row.proposerLabel}) expired without approval`,
        });
      }
      return rows.length;
    });
    await this.flush();
    return count;
  }

  // --- helpers -------------------------------------------------------------

  private refOf(target: string): string {
    return this.deps.policy.targets[target]?.ref ?? target;
  }

  private async commitToBind(row: IntentRow, reviewed?: string): Promise<string | null> {
    const binding = this.deps.policy.kinds[row.kind]?.commitBinding ?? 'none';
    if (binding === 'none') return null;
    const commit = binding === 'parameter' ? String(row.parameters.commit).toLowerCase() : await this.deps.github.branchHead(this.refOf(row.target));
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
    await this.deps.audit.transact(async (scope) => {
      const locked = await this.lock(scope, id);
      // An approval only lapses through execute; a late approve must not expire an approved intent.
      const fromApproved = locked.state === 'approved' && action === 'execute';
      const effectTo: IntentState | undefined =
        decision.effect === 'expire' && (locked.state === 'proposed' || fromApproved)
          ? 'expired'
          : decision.effect === 'reapprove' && fromApproved
            ? 'proposed'
            : undefined;
      if (effectTo) {
        await this.transition(scope, locked, {
          action: `${action}.denied`,
          decision,
          to: effectTo,
          patch: effectTo === 'proposed' ? { approvedCommit: null, approvedBy: null, approvedAt: null, approvalExpiresAt: null } : {},
          summary: `${caller.label} was refused ${action} of ${locked.kind} to ${locked.target} (${decision.rule}); the intent is now ${effectTo}`,
        });
      } else {
        await this.record(scope, locked, locked.state, {
          action: `${action}.denied`,
          decision,
          to: locked.state,
          summary: `${caller.label} was refused ${action} of ${locked.kind} to ${locked.target} (${decision.rule}): ${decision.reason}`,
        });
      }
    });
    await this.flush();
    throw denied(decision);
  }

  private async transition(scope: AuditScope, row: IntentRow, t: Transition): Promise<IntentRow> {
    const [updated] = await scope.tx
      .update(intents)
      .set({ ...t.patch, state: t.to, version: row.version + 1, updatedAt: this.now() })
      .where(and(eq(intents.id, row.id), eq(intents.state, row.state), eq(intents.version, row.version)))
      .returning();
    if (!updated) throw new ApiError('invalid_state', `Intent ${row.id} changed while this request was deciding; read it again.`);
    await this.record(scope, updated, row.state, t);
    return updated;
  }

  /** Decision row, audit entry and (after commit) event for one decision about an intent. */
  private async record(scope: AuditScope, row: IntentRow, from: IntentState | null, t: Transition): Promise<void> {
    const { caller } = this.deps;
    await scope.tx.insert(intentDecisions).values({
      intentId: row.id,
      at: this.now(),
      actorClient: caller.client,
      actorPerson: caller.person ?? null,
      action: t.action,
      allowed: t.decision.allowed,
      rule: t.decision.rule,
      reason: t.decision.reason.slice(0, 500),
      fromState: from,
      toState: t.to,
      commit: t.commit ?? null,
    });
    await scope.append({
      action: `intent.${t.action}`,
      target: `intent:${row.id}`,
      summary: t.summary,
      detail: {
        kind: row.kind,
        target: row.target,
        allowed: t.decision.allowed,
        rule: t.decision.rule,
        reason: t.decision.reason.slice(0, 500),
        from,
        to: t.to,
        ...(t.commit ? { commit: t.commit } : {}),
        ...t.detail,
      },
    });
    this.pending.push({
      type: t.decision.allowed ? `intent.${t.to === from ? t.action : t.to}` : 'intent.denied',
      summary: t.summary,
      data: { id: row.id, kind: row.kind, target: row.target, state: t.to, from, rule: t.decision.rule, action: t.action },
    });
  }

  private async flush(): Promise<void> {
    const events = this.pending.splice(0);
    for (const event of events) await this.publish(event.type, event.summary, event.data);
  }

  private async publish(type: string, summary: string, data: Record<string, unknown>): Promise<void> {
    const { caller } = this.deps;
    await this.deps.events
      .publish({ topic: 'intents', type, summary, actor: { client: caller.client, person: caller.person, label: caller.label }, data })
      .catch((error: unknown) => this.deps.log.warn('event publish failed', { type, error: String(error) }));
  }

  private async find(db: Pick<Ledger['db'], 'select'>, id: string): Promise<IntentRow> {
    const [row] = await db.select().from(intents).where(and(eq(intents.id, id), eq(intents.project, this.deps.project))).limit(1);
    if (!row) throw new ApiError('not_found', `No intent ${id} in this project.`);
    return row;
  }

  private async lock(scope: AuditScope, id: string): Promise<IntentRow> {
    const [row] = await scope.tx.select().from(intents).where(and(eq(intents.id, id), eq(intents.project, this.deps.project))).limit(1).for('update');
    if (!row) throw new ApiError('not_found', `No intent ${id} in this project.`);
    return row;
  }

  private async findByKey(db: Pick<Ledger['db'], 'select'>, key: string): Promise<IntentRow | undefined> {
    const [row] = await db
      .select()
      .from(intents)
      .where(and(eq(intents.project, this.deps.project), eq(intents.proposerLabel, this.deps.caller.label), eq(intents.idempotencyKey, key)))
      .limit(1);
    return row;
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

function publicMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'unexpected error';
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


