import { and, asc, desc, eq, gt, inArray, lt, lte, ne, or, type SQL } from 'drizzle-orm';
import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { RedactionCounts } from '../redaction/redact';
import type { LedgerPool } from '../db/pool';
import type { EventPublisher } from '../events/publisher';
import type { Logger } from '../lib/log';
import { intentDecisions, intents, type IntentRow, type IntentState } from '../db/schema';
import { decide, kindPolicy, targetRef, type Decision, type IntentPolicy, type PolicyAction } from './policy';
import type { HostingOperations, IntentGitHub, WorkflowRun } from './ports';
import { IntentRecords } from './records';
import { IntentRunner } from './execution';
import { IntentOperations, type IntentTransactions } from './ledger-port';
import {
  STARTED,
  denied,
  executeRequest,
  expectState,
  facts,
  sameProposal,
  type ExecuteFacts,
  type ProposalInput,
} from './transitions';
import { toDecisionView, toView, type DecisionView, type IntentView } from './view';

export type { ProposalInput } from './transitions';

export interface IntentServiceDeps {
  project: string;
  /**
   * INTENT_POLICY as the Worker parsed it from the deployment's env, which the ledger object reads too: the
   * pre-checks (and the refusals they record) decide with it before the object decides the change with its own.
   */
  policy: IntentPolicy;
  ledgerPool: LedgerPool;
  /** Where changes run: the project's ledger object, which decides them again with its own copy of the policy. */
  transactions: IntentTransactions;
  audit: AuditLog;
  events: EventPublisher;
  caller: Caller;
  requestId?: string;
  github: IntentGitHub;
  hosting: HostingOperations;
  log: Logger;
  dispatchConfirmSeconds: number;
  now?: () => Date;
}

export interface ListQuery {
  state?: IntentState;
  kind?: string;
  target?: string;
  proposer?: string;
  cursor?: { createdAt: Date; id: string };
  limit: number;
}

/** The approver reviewed one commit, but the target has moved on to another: approving now would ship unreviewed code. */
export class ReviewedCommitMoved extends Error {
  constructor(
    readonly reviewed: string,
    readonly target: string,
    readonly currentCommit: string,
  ) {
    super(
      `You reviewed ${reviewed.slice(0, 12)} but ${target} is at ${currentCommit.slice(0, 12)}; review the new commit and approve again.`,
    );
    this.name = 'ReviewedCommitMoved';
  }
}

/**
 * The intent lifecycle for one caller: propose, approve, reject, cancel,
 * execute. Every decision is made by the policy's `decide`; every change goes
 * through `IntentRecords` (locked row, conditional update, audit entry in the
 * same transaction); side effects run in `IntentRunner`.
 */
export class IntentService {
  private readonly records: IntentRecords;
  private readonly operations: IntentOperations;
  private readonly runner: IntentRunner;

  constructor(private readonly deps: IntentServiceDeps) {
    const now = () => this.now();
    const { project, ledgerPool: ledger, transactions, events, caller, log, requestId } = deps;
    this.records = new IntentRecords({ project, ledgerPool: ledger, events, caller, log, now });
    this.operations = new IntentOperations(this.records, transactions, { requestId, now });
    this.runner = new IntentRunner({
      policy: deps.policy,
      records: this.records,
      operations: this.operations,
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
  async get(
    id: string,
    maxDecisions = 200,
  ): Promise<{ intent: IntentView; decisions: DecisionView[]; decisionsTruncated: boolean }> {
    return this.records.read(async (db) => {
      const row = await this.records.find(db, id);
      const decisions = await db
        .select()
        .from(intentDecisions)
        .where(eq(intentDecisions.intentId, row.id))
        .orderBy(asc(intentDecisions.id))
        .limit(maxDecisions + 1);
      return {
        intent: toView(this.asOfNow(row)),
        decisions: decisions.slice(0, maxDecisions).map(toDecisionView),
        decisionsTruncated: decisions.length > maxDecisions,
      };
    });
  }

  /** Reads never write: a proposal past its lifetime reads as expired; the cron (or the next decision) records it. */
  async list(query: ListQuery): Promise<{ intents: IntentView[]; hasMore: boolean }> {
    const now = this.now();
    return this.records.read(async (db) => {
      const where: SQL[] = [eq(intents.project, this.deps.project)];
      const due = and(eq(intents.state, 'proposed'), lte(intents.expiresAt, now))!;
      if (query.state === 'expired') where.push(or(eq(intents.state, 'expired'), due)!);
      else if (query.state === 'proposed') where.push(eq(intents.state, 'proposed'), gt(intents.expiresAt, now));
      else if (query.state) where.push(eq(intents.state, query.state));
      if (query.kind) where.push(eq(intents.kind, query.kind));
      if (query.target) where.push(eq(intents.target, query.target));
      // `gpt` names a client (whoever used it); `human:alice` one person's key.
      if (query.proposer)
        where.push(
          query.proposer.includes(':')
            ? eq(intents.proposerLabel, query.proposer)
            : eq(intents.proposerClient, query.proposer),
        );
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
      return {
        intents: rows.slice(0, query.limit).map((row) => toView(this.asOfNow(row))),
        hasMore: rows.length > query.limit,
      };
    });
  }

  /**
   * The newest succeeded intent of a commit-bound kind on `target`, other than `exceptId`, and the commit it
   * shipped: what runs on the target now, as far as the ledger knows.
   */
  async lastShipped(target: string, exceptId: string): Promise<{ intent: IntentView; commit: string } | null> {
    const kinds = Object.entries(this.deps.policy.kinds)
      .filter(([, kind]) => kind.commitBinding !== 'none')
      .map(([name]) => name);
    if (kinds.length === 0) return null;
    return this.records.read(async (db) => {
      const rows = await db
        .select()
        .from(intents)
        .where(
          and(
            eq(intents.project, this.deps.project),
            eq(intents.target, target),
            eq(intents.state, 'succeeded'),
            inArray(intents.kind, kinds),
            ne(intents.id, exceptId),
          ),
        )
        .orderBy(desc(intents.updatedAt), desc(intents.id))
        .limit(1);
      const row = rows[0];
      const commit = row?.execution?.commit ?? row?.approvedCommit;
      return row && commit ? { intent: toView(row), commit } : null;
    });
  }

  async propose(input: ProposalInput): Promise<{ intent: IntentView; created: boolean }> {
    const { policy, caller, project } = this.deps;
    const decision = decide(policy, {
      action: 'propose',
      actor: this.actor,
      kind: input.kind,
      target: input.target,
      parameters: input.parameters,
    });

    if (input.idempotencyKey) {
      const existing = await this.records.read((db) => this.records.findByKey(db, input.idempotencyKey!));
      if (existing) return { intent: toView(sameProposal(existing, input)), created: false };
    }

    if (!decision.allowed) {
      await this.deps.audit.record({
        action: 'intent.propose.denied',
        target: `intents:${project}`,
        summary: `${caller.label} was refused a ${input.kind} proposal for ${input.target}: ${decision.reason}`,
        detail: {
          kind: input.kind,
          target: input.target,
          allowed: false,
          rule: decision.rule,
          reason: decision.reason,
        },
      });
      await this.records.publish(
        'intent.denied',
        `${caller.label} was refused a ${input.kind} proposal for ${input.target} (${decision.rule})`,
        {
          action: 'propose',
          kind: input.kind,
          target: input.target,
          rule: decision.rule,
        },
      );
      throw denied(decision);
    }

    const kind = kindPolicy(policy, input.kind)!;
    let proposedCommit: string | null = null;
    if (kind.commitBinding === 'branch-head' && this.deps.github.configured) {
      // Informative only (the approval binds the commit), so a GitHub hiccup does not block a proposal.
      proposedCommit = await this.deps.github.branchHead(targetRef(policy, input.target)).catch((error: unknown) => {
        this.deps.log.warn('intent proposal could not read the branch head', {
          target: input.target,
          error: String(error),
        });
        return null;
      });
    } else if (kind.commitBinding === 'parameter') {
      proposedCommit = String(input.parameters.commit).toLowerCase();
    }

    const result = await this.operations.run('propose', { input, proposedCommit });
    return { intent: toView(result.row), created: result.created };
  }

  async approve(id: string, reviewedCommit?: string): Promise<IntentView> {
    const { policy, caller } = this.deps;
    const row = await this.records.read((db) => this.records.find(db, id));
    const first = decide(policy, { action: 'approve', actor: this.actor, intent: facts(row), now: this.now() });
    if (!first.allowed) return this.refuse(row.id, 'approve', first);
    if (row.state === 'approved' && row.approvedBy === caller.label) return toView(row); // a retried approval
    this.expectState(row, ['proposed'], 'approve');

    const commit = await this.commitToBind(row, reviewedCommit);
    const updated = await this.operations.run('approve', { id, commit });
    return toView(updated);
  }

  reject(id: string, why?: string, redactions?: RedactionCounts): Promise<IntentView> {
    return this.close(id, 'reject', 'rejected', why, redactions);
  }

  cancel(id: string, why?: string, redactions?: RedactionCounts): Promise<IntentView> {
    return this.close(id, 'cancel', 'cancelled', why, redactions);
  }

  private async close(
    id: string,
    action: 'reject' | 'cancel',
    to: IntentState,
    why?: string,
    redactions?: RedactionCounts,
  ): Promise<IntentView> {
    const { policy } = this.deps;
    const row = await this.records.read((db) => this.records.find(db, id));
    const decision = decide(policy, { action, actor: this.actor, intent: facts(row) });
    if (!decision.allowed) return this.refuse(row.id, action, decision);
    if (row.state === to) return toView(row);
    this.expectState(row, ['proposed', 'approved'], action);
    const updated = await this.operations.run('close', { id, action, to, why, redactions });
    return toView(updated);
  }

  /**
   * Start execution at most once: the row moves approved → executing under its
   * lock before any side effect, so concurrent or retried calls find it already
   * started and get its current state instead of a second run.
   */
  async execute(id: string): Promise<{ intent: IntentView; started: boolean }> {
    const { policy } = this.deps;
    const row = await this.records.read((db) => this.records.find(db, id));
    if (STARTED.includes(row.state)) return { intent: toView(await this.runner.followOne(row)), started: false };
    if (row.state === 'proposed' && this.now() >= row.expiresAt) await this.expireDue();
    this.expectState(row, ['approved'], 'execute');

    const executeFacts = await this.executeFacts(row);
    const first = decide(policy, executeRequest(this.records, row, this.now(), executeFacts));
    if (!first.allowed) return this.refuse(row.id, 'execute', first);
    const started = await this.operations.run('start', { id, facts: executeFacts });
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

  /** Move every proposal past its lifetime to `expired`, each with its audit entry (the cron calls this). */
  async expireDue(): Promise<number> {
    const due = and(
      eq(intents.project, this.deps.project),
      eq(intents.state, 'proposed'),
      lte(intents.expiresAt, this.now()),
    );
    const [probe] = await this.records.read((db) => db.select({ id: intents.id }).from(intents).where(due).limit(1));
    if (!probe) return 0;
    return this.operations.run('expire', {});
  }

  /** The facts `decide` needs to judge an execution, asked upstream only when the policy would need them. */
  private async executeFacts(row: IntentRow): Promise<ExecuteFacts> {
    const { policy, github, hosting, caller } = this.deps;
    const kind = kindPolicy(policy, row.kind);
    const executorConfigured = kind?.executor === 'hosting' ? hosting.configured : github.configured;
    const found: ExecuteFacts = { executorConfigured };
    if (kind?.executors.includes(caller.client) && executorConfigured) {
      if (kind.commitBinding === 'branch-head')
        found.headCommit = await github.branchHead(targetRef(policy, row.target));
      if (kind.preflight.checksGreen && row.approvedCommit && github.configured)
        found.checks = await github.combinedStatus(row.approvedCommit);
      if (kind.preflight.hostingHealthy) found.hosting = await hosting.health(row.target);
    }
    return found;
  }

  private async commitToBind(row: IntentRow, reviewed?: string): Promise<string | null> {
    const { policy } = this.deps;
    const binding = kindPolicy(policy, row.kind)?.commitBinding ?? 'none';
    if (binding === 'none') return null;
    const commit =
      binding === 'parameter'
        ? String(row.parameters.commit).toLowerCase()
        : await this.deps.github.branchHead(targetRef(policy, row.target));
    if (reviewed && !commit.startsWith(reviewed.toLowerCase())) {
      throw new ReviewedCommitMoved(reviewed, row.target, commit);
    }
    return commit;
  }

  /** Record a denied decision (and its effect on the intent, if any), then refuse. */
  private async refuse(id: string, action: PolicyAction, decision: Decision): Promise<never> {
    await this.operations.run('refuse', { id, action, decision });
    throw denied(decision);
  }

  /** A proposed intent past its lifetime, as it reads before the expiry is recorded. */
  private asOfNow(row: IntentRow): IntentRow {
    return row.state === 'proposed' && this.now() >= row.expiresAt ? { ...row, state: 'expired' } : row;
  }

  private expectState(row: IntentRow, allowed: IntentState[], action: string): void {
    expectState(row, allowed, action, this.now());
  }
}
