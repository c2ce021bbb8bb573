import type { WriteOutcome } from '../context/store';
import type { StoredCursorSession } from '../cursor/session';

const PREFIX = 'cursor:';

/** Cursor sessions kept in a Durable Object's synchronous KV: expiry is checked on every read. */
export class CursorSessionTable {
  constructor(private readonly kv: SyncKvStorage) {}

  read(key: string, now = Date.now()): StoredCursorSession | null {
    const doc = this.kv.get<StoredCursorSession>(PREFIX + key);
    if (!doc) return null;
    if (Date.parse(doc.expiresAt) <= now) {
      this.kv.delete(PREFIX + key);
      return null;
    }
    return doc;
  }

  write(key: string, next: StoredCursorSession, expectedVersion: number, ttlMs: number): WriteOutcome {
    const live = this.read(key)?.version ?? 0;
    if (live !== expectedVersion) return { ok: false, currentVersion: live };
    this.kv.put(PREFIX + key, { ...next, expiresAt: new Date(Date.now() + ttlMs).toISOString() });
    return { ok: true };
  }

  list(now = Date.now()): StoredCursorSession[] {
    const live: StoredCursorSession[] = [];
    const expired: string[] = [];
    for (const [key, doc] of this.kv.list<StoredCursorSession>({ prefix: PREFIX })) {
      if (Date.parse(doc.expiresAt) <= now) expired.push(key);
      else live.push(doc);
    }
    for (const key of expired) this.kv.delete(key);
    return live.sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
  }
}
