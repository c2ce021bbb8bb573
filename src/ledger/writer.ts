import type { PoolClient } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { auditLog } from '../db/schema';
import { asLedgerError, sqlState, type LedgerPool } from '../db/pool';
import { ApiError } from '../errors';
import type { Logger } from '../lib/log';
import { canonicalJson } from '../audit/chain';
import { redactAuditEntry } from '../redaction/audit-entry';
import {
  AuditLog,
  linkEntry,
  toEntry,
  type AuditActor,
  type AuditEntry,
  type AuditInput,
  type AuditScope,
} from '../audit/log';

/** The same key the per-request path takes: a second writer (another instance, an old deploy) queues behind it. */
export const CHAIN_LOCK_KEY = 0x68657a6c; // "hezl"
/** Locks the chain and reads its head in one round trip; the head read under the lock is the truth. */
const BEGIN_LOCKED = `begin; select pg_advisory_xact_lock(${CHAIN_LOCK_KEY}); select seq, hash from audit_log order by seq desc limit 1`;
const MAX_BATCH = 256;

export interface ChainHead {
  seq: number;
  hash: string;
}

/** Hooks of an append whose meaning depends on earlier ones (a context write built on the previous write). */
export interface AppendHooks {
  /** Checked just before the entry joins a transaction; false fails it without writing. */
  stillValid?: () => boolean;
  /** Called synchronously when the entry fails, before any later entry is checked. */
  failed?: () => void;
}

interface Pending extends AppendHooks {
  actor: AuditActor;
  input: AuditInput;
  resolve(entry: AuditEntry): void;
  reject(error: unknown): void;
}

/** A change that lives in Postgres: its own transaction, its audit entries beside it. */
interface Exclusive {
  run(): Promise<void>;
}

type Row = Awaited<ReturnType<typeof linkEntry>>;

export interface WriterStats {
  batches: number;
  entries: number;
  largestBatch: number;
  /** Transactions that found the head moved by someone else (a second writer). */
  foreignHeads: number;
}

/**
 * The single writer of the audit chain for one Durable Object: appends that arrive while a
 * transaction is in flight wait and go together into the next one (group commit), each with its
 * own seq and hash. Every transaction takes the advisory lock and reads the head under it, so a
 * second writer can delay this one but never fork the chain.
 */
export class ChainWriter {
  #queue: (Pending | Exclusive)[] = [];
  #draining = false;
  /** The head after this writer's last commit; unknown after any failure. */
  #head: ChainHead | undefined;
  readonly stats: WriterStats = { batches: 0, entries: 0, largestBatch: 0, foreignHeads: 0 };

  constructor(
    private readonly pool: LedgerPool,
    private readonly log: Logger,
  ) {}

  get head(): ChainHead | undefined {
    return this.#head;
  }

  append(actor: AuditActor, sent: AuditInput, hooks: AppendHooks = {}): Promise<AuditEntry> {
    const input = redactAuditEntry(sent);
    try {
      canonicalJson(input.detail ?? {}); // refuse what cannot be hashed before it joins a batch
    } catch (error) {
      hooks.failed?.();
      return Promise.reject(invalidEntry(error));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ actor, input, ...hooks, resolve, reject });
      if (!this.#draining) void this.drain();
    });
  }

  /**
   * Run `work` in one transaction holding the chain lock, in turn with the batches: whatever it appends
   * commits with its change or not at all. Only code inside the object passes `work`; callers outside
   * name an operation (see intents/transitions.ts).
   */
  transact<T>(actor: AuditActor, work: (scope: AuditScope) => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const run = async () => {
        const appended: AuditEntry[] = [];
        try {
          resolve(
            await new AuditLog(this.pool, actor).transact((scope) =>
              work(scope).finally(() => appended.push(...scope.entries)),
            ),
          );
          const last = appended.at(-1);
          if (last) this.#head = { seq: last.seq, hash: last.hash };
        } catch (error) {
          this.#head = undefined;
          reject(error);
        }
      };
      this.#queue.push({ run });
      if (!this.#draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length) {
        const first = this.#queue[0]!;
        if ('run' in first) {
          this.#queue.shift();
          await first.run();
          continue;
        }
        let count = 1;
        while (count < this.#queue.length && count < MAX_BATCH && !('run' in this.#queue[count]!)) count++;
        await this.commit(this.#queue.splice(0, count) as Pending[]);
      }
    } finally {
      this.#draining = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const live = batch.filter((p) => this.stillValid(p));
    if (!live.length) return;
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.#head = undefined;
      for (const p of live) fail(p, asLedgerError(error));
      return;
    }
    let broken = false;
    try {
      if (this.#head && (await this.commitOnHead(client, this.#head, live))) return;
      const rows = await this.link(await this.begin(client), live);
      try {
        await drizzle({ client }).insert(auditLog).values(rows);
      } catch (error) {
        if (!isEntryError(error)) throw error;
        await client.query('rollback');
        await this.commitEach(client, live);
        return;
      }
      await client.query('commit');
      this.settle(live.map((p, i) => [p, rows[i]!]));
    } catch (error) {
      broken = sqlState(error) === undefined;
      this.#head = undefined;
      if (!broken) await client.query('rollback').catch(() => undefined);
      this.log.warn('ledger batch failed', { entries: live.length, error: String(error) });
      for (const p of live) fail(p, asLedgerError(error));
    } finally {
      // A connection that failed outside SQL is dropped; the next batch connects afresh.
      client.release(broken ? true : undefined);
    }
  }

  /**
   * The batch in one round trip, on the head this writer committed last: one statement takes the chain
   * lock, checks that head is still there and inserts, and commits on its own. False (nothing written)
   * when the head moved: another writer's entry holds the next seq (the primary key refuses ours).
   */
  private async commitOnHead(client: PoolClient, head: ChainHead, live: Pending[]): Promise<boolean> {
    const rows = await this.link(head, live);
    let inserted: number;
    try {
      inserted = (await client.query(insertOnHeadSql(rows.length), insertOnHeadParams(head, rows))).rowCount ?? 0;
    } catch (error) {
      if (isEntryError(error)) {
        await this.commitEach(client, live);
        return true;
      }
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      inserted = 0;
    }
    if (inserted !== rows.length) {
      this.#head = undefined;
      this.stats.foreignHeads++;
      this.movedHead({ expected: head.seq });
      return false;
    }
    this.settle(live.map((p, i) => [p, rows[i]!]));
    return true;
  }

  /** After a batch failed on its data: each entry in its own savepoint, so one bad entry fails alone. */
  private async commitEach(client: PoolClient, live: Pending[]): Promise<void> {
    let previous = await this.begin(client);
    const accepted: [Pending, Row][] = [];
    for (const p of live) {
      if (!this.stillValid(p)) continue;
      const [row] = await this.link(previous, [p]);
      await client.query('savepoint entry');
      try {
        await drizzle({ client }).insert(auditLog).values(row!);
        await client.query('release savepoint entry');
      } catch (error) {
        if (!isEntryError(error)) throw error;
        await client.query('rollback to savepoint entry');
        fail(p, invalidEntry(error));
        continue;
      }
      accepted.push([p, row!]);
      previous = row!;
    }
    await client.query('commit');
    this.settle(accepted);
  }

  /**
   * Expected under ordinary load, not an anomaly: cursor session syncs, uptime transitions and audit rotation
   * append inside their own request's transaction (same advisory lock), beside this object.
   * The insert on a stale head writes nothing and the batch is linked again on the locked head; the count stays
   * in the writer's stats (foreignHeads) for the benchmarks, the line goes to the debug log.
   */
  private movedHead(detail: { expected: number; found?: number }): void {
    this.log.debug('ledger: another writer moved the chain head; linking again on the new head', detail);
  }

  private async begin(client: PoolClient): Promise<ChainHead | undefined> {
    const results = (await client.query(BEGIN_LOCKED)) as unknown as {
      rows: { seq: string | number; hash: string }[];
    }[];
    const row = results.at(-1)?.rows[0];
    const head = row ? { seq: Number(row.seq), hash: row.hash } : undefined;
    if (this.#head && head && head.seq !== this.#head.seq) {
      this.stats.foreignHeads++;
      this.movedHead({ expected: this.#head.seq, found: head.seq });
    }
    return head;
  }

  private async link(head: ChainHead | undefined, entries: Pending[]): Promise<Row[]> {
    const rows: Row[] = [];
    let previous = head;
    for (const { actor, input } of entries) {
      const row = await linkEntry(actor, input, previous);
      rows.push(row);
      previous = row;
    }
    return rows;
  }

  private settle(accepted: [Pending, Row][]): void {
    const last = accepted.at(-1)?.[1];
    if (last) this.#head = { seq: last.seq, hash: last.hash };
    this.stats.batches++;
    this.stats.entries += accepted.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, accepted.length);
    for (const [p, row] of accepted) p.resolve(toEntry(row));
  }

  private stillValid(p: Pending): boolean {
    if (!p.stillValid || p.stillValid()) return true;
    fail(
      p,
      new ApiError(
        'version_conflict',
        'An earlier write this one was built on failed; nothing was recorded for it. Read again and retry.',
      ),
    );
    return false;
  }
}

const UNIQUE_VIOLATION = '23505';
const COLUMNS = 'seq, at, actor_client, actor_person, action, target, summary, detail, request_id, prev_hash, hash';
const TYPES = ['bigint', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'jsonb', 'text', 'text', 'text'];

/**
 * Autocommit insert of `count` rows after the head ($1, $2). The lock is a CTE every inserted row
 * joins, so no row is written before it is held; the head check is a one-time filter.
 */
function insertOnHeadSql(count: number): string {
  const tuples = Array.from(
    { length: count },
    (_, row) => `(${TYPES.map((type, col) => `$${3 + row * TYPES.length + col}::${type}`).join(', ')})`,
  );
  return (
    `with chain_lock as (select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})) ` +
    `insert into audit_log (${COLUMNS}) select v.* from chain_lock, (values ${tuples.join(', ')}) as v ` +
    'where exists (select 1 from audit_log where seq = $1::bigint and hash = $2::text)'
  );
}

function insertOnHeadParams(head: ChainHead, rows: Row[]): unknown[] {
  const params: unknown[] = [head.seq, head.hash];
  for (const row of rows)
    params.push(
      row.seq,
      row.at.toISOString(),
      row.actorClient,
      row.actorPerson,
      row.action,
      row.target,
      row.summary,
      JSON.stringify(row.detail),
      row.requestId,
      row.prevHash,
      row.hash,
    );
  return params;
}

function fail(p: Pending, error: unknown): void {
  p.failed?.();
  p.reject(error);
}

/** Errors about one entry's data (bad characters, too large) rather than about the ledger. */
function isEntryError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('54'));
}

function invalidEntry(error: unknown): ApiError {
  return new ApiError(
    'validation_failed',
    'The audit ledger refused this entry (a character or value Postgres cannot store); nothing was recorded for it.',
    {
      // The state only: the failed query's text would repeat the entry into the log.
      internal: { sqlState: sqlState(error) ?? 'unhashable' },
    },
  );
}
