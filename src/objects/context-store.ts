import { DurableObject } from 'cloudflare:workers';
import type { ContextRead, ContextStore, WriteOutcome } from '../context/store';
import type { StoredContext } from '../context/snapshot';
import type { RecordedQuery } from '../queries/log';
import { QueryLogTable } from '../queries/log-table';
import type { StoredCursorSession } from '../cursor/session';
import { CursorSessionTable } from './cursor-sessions';

/**
 * The embedded context store: one object per project, used when Upstash is not
 * configured. Single-threaded by construction, so compare-and-set is a plain check.
 * Expiry is enforced on read and an alarm removes the value itself.
 */
export class ContextStoreObject extends DurableObject {
  /**
   * The context and the last version given out, as stored: read from storage once, then kept, since
   * this object is the only writer of both keys (each write below updates storage and the copy together).
   */
  #doc?: StoredContext | null;
  #lastVersion?: number;

  private stored(): StoredContext | null {
    // null means "read, and there is none": only undefined sends us to storage.
    if (this.#doc === undefined) this.#doc = this.ctx.storage.kv.get<StoredContext>('doc') ?? null;
    return this.#doc;
  }

  private lastVersion(): number {
    this.#lastVersion ??= this.ctx.storage.kv.get<number>('lastVersion') ?? 0;
    return this.#lastVersion;
  }

  private live(): StoredContext | null {
    const doc = this.stored();
    if (!doc) return null;
    if (Date.parse(doc.expiresAt) <= Date.now()) {
      this.deleteDoc();
      return null;
    }
    return doc;
  }

  private deleteDoc(): void {
    this.ctx.storage.kv.delete('doc');
    this.#doc = null;
  }

  read(): ContextRead {
    return { current: this.live(), lastVersion: this.lastVersion() };
  }

  async write(next: StoredContext, expectedVersion: number, ttlMs: number): Promise<WriteOutcome> {
    const liveVersion = this.live()?.version ?? 0;
    if (liveVersion !== expectedVersion || next.version <= this.lastVersion())
      return { ok: false, currentVersion: liveVersion };
    const expiresAt = Date.now() + ttlMs;
    const doc = { ...next, expiresAt: new Date(expiresAt).toISOString() };
    this.ctx.storage.kv.put('doc', doc);
    this.ctx.storage.kv.put('lastVersion', next.version);
    this.#doc = doc;
    this.#lastVersion = next.version;
    // Writes only extend the expiry: an alarm already due earlier re-arms itself when it fires.
    if (this.#alarmAt === undefined || this.#alarmAt > expiresAt) await this.armAlarm(expiresAt);
    return { ok: true };
  }

  clear(expectedVersion: number): WriteOutcome {
    const liveVersion = this.live()?.version ?? 0;
    if (liveVersion !== expectedVersion) return { ok: false, currentVersion: liveVersion };
    this.deleteDoc();
    return { ok: true };
  }

  // Live cursor sessions share the project's object: same adapter choice, no second migration.
  private get sessions(): CursorSessionTable {
    return new CursorSessionTable(this.ctx.storage.kv);
  }

  readSession(key: string): StoredCursorSession | null {
    return this.sessions.read(key);
  }

  writeSession(key: string, next: StoredCursorSession, expectedVersion: number, ttlMs: number): WriteOutcome {
    return this.sessions.write(key, next, expectedVersion, ttlMs);
  }

  listSessions(): StoredCursorSession[] {
    return this.sessions.list();
  }

  override async alarm(): Promise<void> {
    this.#alarmAt = undefined;
    const doc = this.live();
    if (doc) await this.armAlarm(Date.parse(doc.expiresAt));
  }

  /** When the alarm is due, as this instance set it (unknown after a restart: the next write sets it). */
  #alarmAt?: number;

  private async armAlarm(at: number): Promise<void> {
    await this.ctx.storage.setAlarm(at);
    this.#alarmAt = at;
  }

  // Short-lived cached answers (see src/adapters/cache-durable-object.ts), used on a
  // `cache:{project}` instance, never on the instance holding the context itself.
  private cacheReady = false;
  private cacheTable(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.cacheReady) {
      sql.exec(
        'CREATE TABLE IF NOT EXISTS answer_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL)',
      );
      sql.exec('CREATE INDEX IF NOT EXISTS answer_cache_expiry ON answer_cache (expires_at)');
      this.cacheReady = true;
    }
    return sql;
  }

  cacheGet(key: string): string | null {
    const row = this.cacheTable()
      .exec<{ value: string }>('SELECT value FROM answer_cache WHERE key = ? AND expires_at > ?', key, Date.now())
      .toArray()[0];
    return row ? row.value : null;
  }

  cacheSet(key: string, value: string, ttlMs: number): void {
    const sql = this.cacheTable();
    const now = Date.now();
    // Sweeping expired rows on write keeps the table bounded without an alarm.
    sql.exec('DELETE FROM answer_cache WHERE expires_at <= ?', now);
    sql.exec(
      'INSERT OR REPLACE INTO answer_cache (key, value, expires_at) VALUES (?, ?, ?)',
      key,
      value,
      now + Math.max(1, Math.round(ttlMs)),
    );
  }

  cacheDelete(key: string): void {
    this.cacheTable().exec('DELETE FROM answer_cache WHERE key = ?', key);
  }

  // The GPT's query log shares the project's object: same adapter choice, no second migration.
  appendQuery(entry: RecordedQuery, capacity: number): void {
    new QueryLogTable(this.ctx.storage.kv).append(entry, capacity);
  }

  recentQueries(limit: number): RecordedQuery[] {
    return new QueryLogTable(this.ctx.storage.kv).recent(limit);
  }
}

/** The context store port over the project's context store object (the Worker's and the ledger object's side). */
export class DurableObjectContextStore implements ContextStore {
  readonly kind = 'durable-object' as const;

  constructor(private readonly namespace: DurableObjectNamespace<ContextStoreObject>) {}

  private stub(project: string) {
    return this.namespace.get(this.namespace.idFromName(`context:${project}`));
  }

  read(project: string): Promise<ContextRead> {
    return this.stub(project).read() as Promise<ContextRead>;
  }

  write(project: string, next: StoredContext, expectedVersion: number, ttlMs: number): Promise<WriteOutcome> {
    return this.stub(project).write(next, expectedVersion, ttlMs) as Promise<WriteOutcome>;
  }

  clear(project: string, expectedVersion: number): Promise<WriteOutcome> {
    return this.stub(project).clear(expectedVersion) as Promise<WriteOutcome>;
  }
}
