import { and, eq } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import type { AuditScope } from '../audit/log';
import type { LedgerPool } from '../db/pool';
import type { EventPublisher } from '../events/publisher';
import type { Logger } from '../lib/log';
import { intentDecisions, intents, type IntentRow, type IntentState } from '../db/schema';
import type { Decision } from './policy';
import { clip } from '../lib/clip';

/** One decision about an intent as it is recorded: decision row, audit entry, event. */
export interface Transition {
  action: string;
  decision: Decision;
  to: IntentState;
  patch?: Partial<IntentRow>;
  summary: string;
  commit?: string | null;
  detail?: Record<string, unknown>;
}

export interface IntentRecordsDeps {
  project: string;
  caller: Caller;
  now: () => Date;
  /** The Worker's side: reads on the request's connection, events after commit. */
  ledgerPool?: LedgerPool;
  events?: EventPublisher;
  log?: Logger;
}

type Reader = Pick<LedgerPool['db'], 'select'>;

/**
 * How intents are read and changed: every change is a named operation (transitions.ts) run by the
 * ledger inside the audit chain's transaction with the row locked; it updates conditionally on the
 * state and version it read, writes its decision row and audit entry in that same transaction, and
 * is published on the `intents` topic only once committed.
 */
export class IntentRecords {
  constructor(private readonly deps: IntentRecordsDeps) {}

  get project(): string {
    return this.deps.project;
  }

  get caller(): Caller {
    return this.deps.caller;
  }

  read<T>(work: (db: LedgerPool['db']) => Promise<T>): Promise<T> {
    return this.deps.ledgerPool!.use(work);
  }

  async find(db: Reader, id: string): Promise<IntentRow> {
    const [row] = await db
      .select()
      .from(intents)
      .where(and(eq(intents.id, id), eq(intents.project, this.deps.project)))
      .limit(1);
    if (!row) throw new ApiError('not_found', `No intent ${id} in this project.`);
    return row;
  }

  async findByKey(db: Reader, key: string): Promise<IntentRow | undefined> {
    const [row] = await db
      .select()
      .from(intents)
      .where(
        and(
          eq(intents.project, this.deps.project),
          eq(intents.proposerLabel, this.deps.caller.label),
          eq(intents.idempotencyKey, key),
        ),
      )
      .limit(1);
    return row;
  }

  /** The row, locked until the transaction ends: concurrent deciders queue here. */
  async lock(scope: AuditScope, id: string): Promise<IntentRow> {
    const [row] = await scope.tx
      .select()
      .from(intents)
      .where(and(eq(intents.id, id), eq(intents.project, this.deps.project)))
      .limit(1)
      .for('update');
    if (!row) throw new ApiError('not_found', `No intent ${id} in this project.`);
    return row;
  }

  /** Move `row` to `t.to`, only if it is still in the state and version it was read in. */
  async transition(scope: AuditScope, events: PendingEvents, row: IntentRow, t: Transition): Promise<IntentRow> {
    const [updated] = await scope.tx
      .update(intents)
      .set({ ...t.patch, state: t.to, version: row.version + 1, updatedAt: this.deps.now() })
      .where(and(eq(intents.id, row.id), eq(intents.state, row.state), eq(intents.version, row.version)))
      .returning();
    if (!updated)
      throw new ApiError('invalid_state', `Intent ${row.id} changed while this request was deciding; read it again.`);
    await this.record(scope, events, updated, row.state, t);
    return updated;
  }

  /** Decision row and audit entry (and, after commit, the event) for one decision, with or without a state change. */
  async record(
    scope: AuditScope,
    events: PendingEvents,
    row: IntentRow,
    from: IntentState | null,
    t: Transition,
  ): Promise<void> {
    const { caller } = this.deps;
    await scope.tx.insert(intentDecisions).values({
      intentId: row.id,
      at: this.deps.now(),
      actorClient: caller.client,
      actorPerson: caller.person ?? null,
      action: t.action,
      allowed: t.decision.allowed,
      rule: t.decision.rule,
      reason: clip(t.decision.reason, 500),
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
        reason: clip(t.decision.reason, 500),
        from,
        to: t.to,
        ...(t.commit ? { commit: t.commit } : {}),
        ...t.detail,
      },
    });
    events.add({
      type: t.decision.allowed ? `intent.${t.to === from ? t.action : t.to}` : 'intent.denied',
      summary: t.summary,
      data: {
        id: row.id,
        kind: row.kind,
        target: row.target,
        state: t.to,
        from,
        rule: t.decision.rule,
        action: t.action,
      },
    });
  }

  async publish(type: string, summary: string, data: Record<string, unknown>): Promise<void> {
    const { caller } = this.deps;
    await this.deps.events
      ?.publish({
        topic: 'intents',
        type,
        summary,
        actor: { client: caller.client, person: caller.person, label: caller.label },
        data,
      })
      .catch((error: unknown) => this.deps.log?.warn('event publish failed', { type, error: String(error) }));
  }
}

export interface QueuedEvent {
  type: string;
  summary: string;
  data: Record<string, unknown>;
}

/** Events recorded inside a transaction; published only if it commits. */
export class PendingEvents {
  #events: QueuedEvent[] = [];
  add(event: QueuedEvent): void {
    this.#events.push(event);
  }
  drain() {
    return this.#events.splice(0);
  }
}
