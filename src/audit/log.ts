import { and, desc, eq, gte, like, lt, lte, asc, gt, sql, type SQL } from 'drizzle-orm';
import { auditCheckpoint, auditLog, type AuditRow } from '../db/schema';
import type { Executor, LedgerPool, Transaction } from '../db/pool';
import type { Caller } from '../auth/keys';
import type { Connection } from '../auth/connection';
import { GENESIS_HASH, chainHash, checkLink, type ChainBreak } from './chain';
import { AUDIT_LIMITS, storedDetail, storedField } from './stored';
import type { EventPublisher, ProjectEvent } from '../events/publisher';
import { redactAuditEntry } from '../redaction/audit-entry';
import { redactValue } from '../redaction/redact';

/** Where single entries go when a ledger object is bound: the project's group-committing writer. */
export interface EntryWriter {
  record(actor: AuditActor, input: AuditInput): Promise<AuditEntry>;
}

/** One lock key for the whole chain: appends are serialised, reads are not. */
const CHAIN_LOCK_KEY = 0x68657a6c; // "hezl"

export interface AuditInput {
  action: string;
  target: string;
  summary: string;
  detail?: Record<string, unknown>;
}

export interface AuditActor {
  caller: Pick<Caller, 'client' | 'person' | 'connection'>;
  requestId: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: { client: string; person?: string };
  action: string;
  target: string;
  summary: string;
  detail: Record<string, unknown>;
  requestId: string;
  hash: string;
}

export interface AuditQuery {
  actor?: string;
  person?: string;
  action?: string;
  target?: string;
  since?: Date;
  until?: Date;
  before?: number;
  limit: number;
}

export interface VerifyReport {
  intact: boolean;
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstBad?: ChainBreak;
  /** Set after audit rotation: entries up to this seq were archived, and the chain is checked from its hash. */
  archivedThrough?: { seq: number; hash: string; archiveKey: string };
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actor: row.actorPerson ? { client: row.actorClient, person: row.actorPerson } : { client: row.actorClient },
    action: row.action,
    target: row.target,
    summary: row.summary,
    detail: row.detail,
    requestId: row.requestId,
    hash: row.hash,
  };
}

/** A committed entry as told on the `audit` topic. */
export function auditEvent(entry: AuditEntry): ProjectEvent {
  const { client, person } = entry.actor;
  return {
    topic: 'audit',
    type: entry.action,
    summary: entry.summary,
    actor: {
      client: client as AuditActor['caller']['client'],
      person,
      label: person ? `${client}:${person}` : client,
    },
    data: { seq: entry.seq, target: entry.target, action: entry.action },
  };
}

/** Tell listeners on the `audit` topic about a committed entry (never one that was rolled back). */
export async function publishAuditEntry(events: EventPublisher, entry: AuditEntry): Promise<void> {
  await events.publish(auditEvent(entry)).catch(() => undefined);
}

/** Append-only, hash-chained audit timeline in the Postgres ledger. */
export class AuditLog {
  constructor(
    private readonly pool: LedgerPool,
    private readonly actor: AuditActor,
    /** When given, each committed entry is also published on the `audit` topic. */
    private readonly events?: EventPublisher,
    private readonly writer?: EntryWriter,
  ) {}

  /**
   * Run `work` inside one ledger transaction that holds the chain lock. Whatever
   * `work` appends commits together with it, or not at all; if the ledger is
   * down, `work` never runs.
   */
  async transact<T>(work: (scope: AuditScope) => Promise<T>): Promise<T> {
    const appended: AuditEntry[] = [];
    const result = await this.pool.use((db) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`);
        return work(new AuditScope(tx, this.actor, appended));
      }),
    );
    // Only after commit: listeners must never see an entry that was rolled back.
    if (this.events && appended.length) await this.events.publish(...appended.map(auditEvent)).catch(() => undefined);
    return result;
  }

  private async publish(entry: AuditEntry): Promise<void> {
    await publishAuditEntry(this.events!, entry);
  }

  /** Append one entry on its own (through the ledger object when there is one). */
  async record(input: AuditInput): Promise<AuditEntry> {
    if (!this.writer) return this.transact((scope) => scope.append(input));
    const entry = await this.writer.record(this.actor, input);
    if (this.events) await this.publish(entry);
    return entry;
  }

  list(query: AuditQuery): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    return this.pool.use(async (db) => {
      const where: SQL[] = [];
      if (query.actor) where.push(eq(auditLog.actorClient, query.actor));
      if (query.person) where.push(eq(auditLog.actorPerson, query.person));
      if (query.action) {
        where.push(
          query.action.endsWith('*')
            ? like(auditLog.action, `${escapeLike(query.action.slice(0, -1))}%`)
            : eq(auditLog.action, query.action),
        );
      }
      if (query.target) where.push(eq(auditLog.target, query.target));
      if (query.since) where.push(gte(auditLog.at, query.since));
      if (query.until) where.push(lte(auditLog.at, query.until));
      if (query.before !== undefined) where.push(lt(auditLog.seq, query.before));
      const rows = await db
        .select()
        .from(auditLog)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.seq))
        .limit(query.limit + 1);
      return { entries: rows.slice(0, query.limit).map(toEntry), hasMore: rows.length > query.limit };
    });
  }

  /**
   * Walk the chain in pages and report the first entry that breaks it. After a
   * rotation the walk starts from the latest archive checkpoint (the last archived
   * entry's seq and hash); without one, the chain must start at seq 1.
   */
  verify(pageSize = 2_000): Promise<VerifyReport> {
    return this.pool.use(async (db) => {
      const [checkpoint] = await db.select().from(auditCheckpoint).orderBy(desc(auditCheckpoint.lastSeq)).limit(1);
      const archivedThrough = checkpoint
        ? { seq: checkpoint.lastSeq, hash: checkpoint.lastHash, archiveKey: checkpoint.archiveKey }
        : undefined;
      let previous: { seq: number; hash: string } | undefined = archivedThrough;
      let checked = 0;
      let firstSeq: number | null = null;
      const report = (rest: Omit<VerifyReport, 'checked' | 'firstSeq' | 'archivedThrough'>): VerifyReport => ({
        ...rest,
        checked,
        firstSeq,
        ...(archivedThrough ? { archivedThrough } : {}),
      });
      for (;;) {
        const rows = await db
          .select()
          .from(auditLog)
          .where(previous ? gt(auditLog.seq, previous.seq) : undefined)
          .orderBy(asc(auditLog.seq))
          .limit(pageSize);
        for (const row of rows) {
          firstSeq ??= row.seq;
          const reason =
            !previous && row.seq !== 1
              ? `entries before seq ${row.seq} are missing and no archive checkpoint accounts for them`
              : await checkLink(row, previous);
          if (reason)
            return report({ intact: false, lastSeq: previous?.seq ?? null, firstBad: { seq: row.seq, reason } });
          previous = { seq: row.seq, hash: row.hash };
          checked++;
        }
        if (rows.length < pageSize) break;
      }
      return report({ intact: true, lastSeq: previous?.seq ?? null });
    });
  }
}

/** The handle a transaction uses to append; only valid while the chain lock is held. */
export class AuditScope {
  constructor(
    readonly tx: Transaction,
    private readonly actor: AuditActor,
    private readonly appended: AuditEntry[] = [],
  ) {}

  async append(input: AuditInput): Promise<AuditEntry> {
    const entry = await appendLocked(this.tx, this.actor, redactAuditEntry(input));
    this.appended.push(entry);
    return entry;
  }

  /** What this scope appended so far. */
  get entries(): readonly AuditEntry[] {
    return this.appended;
  }
}

async function appendLocked(tx: Executor, actor: AuditActor, input: AuditInput): Promise<AuditEntry> {
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const [row] = await tx
    .insert(auditLog)
    .values(await linkEntry(actor, input, last))
    .returning();
  return toEntry(row!);
}

/** The row that follows `previous` (the chain head; none for the first entry), hash included. */
export async function linkEntry(
  actor: AuditActor,
  input: AuditInput,
  previous: { seq: number; hash: string } | undefined,
) {
  // Hash the stored form (./stored.ts): what Postgres keeps and verify reads back, not what the caller passed.
  const person = actor.caller.person;
  const fields = {
    seq: (previous?.seq ?? 0) + 1,
    at: new Date(),
    actorClient: actor.caller.client,
    actorPerson: person === undefined ? null : storedField(person, AUDIT_LIMITS.person),
    action: storedField(input.action, AUDIT_LIMITS.action),
    target: storedField(input.target, AUDIT_LIMITS.target),
    summary: storedField(input.summary, AUDIT_LIMITS.summary),
    detail: storedDetail(withConnection(input.detail, actor.caller.connection)),
    requestId: storedField(actor.requestId, AUDIT_LIMITS.requestId),
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...fields, hash: await chainHash(fields) };
}

/**
 * An entry made through an OAuth connection names the app beside the person (the actor columns). The app's
 * name and id are the registering client's own text, so they pass the redaction boundary like the rest.
 */
function withConnection(
  detail: Record<string, unknown> | undefined,
  connection: Connection | undefined,
): Record<string, unknown> | undefined {
  if (!connection) return detail;
  const app = { id: connection.id, clientId: connection.clientId, clientName: connection.clientName };
  return { ...detail, connection: redactValue(app).value };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
