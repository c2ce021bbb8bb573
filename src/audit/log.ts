import { and, desc, eq, gte, like, lt, lte, asc, gt, sql, type SQL } from 'drizzle-orm';
import { auditLog, type AuditRow } from '../db/schema';
import type { Executor, Ledger, Transaction } from '../db/client';
import type { Caller } from '../auth/keys';
import { GENESIS_HASH, chainHash, checkLink, type ChainBreak } from './chain';
import type { EventPublisher } from '../events/publisher';

/** One lock key for the whole chain: appends are serialised, reads are not. */
const CHAIN_LOCK_KEY = 0x68657a6c; // "hezl"

export interface AuditInput {
  action: string;
  target: string;
  summary: string;
  detail?: Record<string, unknown>;
}

export interface AuditActor {
  caller: Pick<Caller, 'client' | 'person'>;
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

/** Append-only, hash-chained audit timeline in the Postgres ledger. */
export class AuditLog {
  constructor(
    private readonly ledger: Ledger,
    private readonly actor: AuditActor,
    /** When given, each committed entry is also published on the `audit` topic. */
    private readonly events?: EventPublisher,
  ) {}

  /**
   * Run `work` inside one ledger transaction that holds the chain lock. Whatever
   * `work` appends commits together with it, or not at all; if the ledger is
   * down, `work` never runs.
   */
  async transact<T>(work: (scope: AuditScope) => Promise<T>): Promise<T> {
    const appended: AuditEntry[] = [];
    const result = await this.ledger.use((db) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`);
        return work(new AuditScope(tx, this.actor, appended));
      }),
    );
    // Only after commit: listeners must never see an entry that was rolled back.
    if (this.events) for (const entry of appended) await this.publish(entry);
    return result;
  }

  private async publish(entry: AuditEntry): Promise<void> {
    const { client, person } = entry.actor;
    await this.events!.publish({
      topic: 'audit',
      type: entry.action,
      summary: entry.summary,
      actor: { client: client as AuditActor['caller']['client'], person, label: person ? `${client}:${person}` : client },
      data: { seq: entry.seq, target: entry.target, action: entry.action },
    }).catch(() => undefined);
  }

  /** Append one entry on its own. */
  record(input: AuditInput): Promise<AuditEntry> {
    return this.transact((scope) => scope.append(input));
  }

  list(query: AuditQuery): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    return this.ledger.use(async (db) => {
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

  /** Walk the whole chain in pages and report the first entry that breaks it. */
  verify(pageSize = 2_000): Promise<VerifyReport> {
    return this.ledger.use(async (db) => {
      let previous: { seq: number; hash: string } | undefined;
      let checked = 0;
      let firstSeq: number | null = null;
      for (;;) {
        const rows = await db
          .select()
          .from(auditLog)
          .where(previous ? gt(auditLog.seq, previous.seq) : undefined)
          .orderBy(asc(auditLog.seq))
          .limit(pageSize);
        for (const row of rows) {
          firstSeq ??= row.seq;
          const reason = await checkLink(row, previous);
          if (reason) return { intact: false, checked, firstSeq, lastSeq: previous?.seq ?? null, firstBad: { seq: row.seq, reason } };
          previous = { seq: row.seq, hash: row.hash };
          checked++;
        }
        if (rows.length < pageSize) break;
      }
      return { intact: true, checked, firstSeq, lastSeq: previous?.seq ?? null };
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
    const entry = await appendLocked(this.tx, this.actor, input);
    this.appended.push(entry);
    return entry;
  }
}

async function appendLocked(tx: Executor, actor: AuditActor, input: AuditInput): Promise<AuditEntry> {
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const fields = {
    seq: (last?.seq ?? 0) + 1,
    at: new Date(),
    actorClient: actor.caller.client,
    actorPerson: actor.caller.person ?? null,
    action: input.action,
    target: input.target,
    summary: input.summary.slice(0, 500),
    detail: input.detail ?? {},
    requestId: actor.requestId,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = await chainHash(fields);
  const [row] = await tx.insert(auditLog).values({ ...fields, hash }).returning();
  return toEntry(row!);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
