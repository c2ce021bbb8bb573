import type { Redis } from '@upstash/redis/cloudflare';
import { upstashClient } from './upstash';
import type { WriteOutcome } from '../context/store';
import type { CursorSessionStore } from '../cursor/store';
import type { StoredCursorSession } from '../cursor/session';

/*
 * Layout: one hash per session, `hezlep:{project}:cursor:{key}` with `version` and
 * `doc` (JSON), expiring with the session; and a sorted set
 * `hezlep:{project}:cursor:index` of session keys scored by expiry time, so
 * listing never scans the keyspace. The compare-and-set write and the index
 * update happen in one Lua script.
 */
const WRITE_SCRIPT = `
local live = redis.call('HGET', KEYS[1], 'version') or '0'
if live ~= ARGV[1] then return {0, live} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'doc', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, ARGV[2]}
`;

export class UpstashCursorSessionStore implements CursorSessionStore {
  readonly kind = 'upstash' as const;
  private readonly redis: Redis;

  constructor(settings: { url: string; token: string }) {
    this.redis = upstashClient(settings);
  }

  private docKey(project: string, key: string): string {
    return `hezlep:${project}:cursor:${key}`;
  }

  private indexKey(project: string): string {
    return `hezlep:${project}:cursor:index`;
  }

  async read(project: string, key: string): Promise<StoredCursorSession | null> {
    const doc = await this.redis.hget<string>(this.docKey(project, key), 'doc');
    return doc ? (JSON.parse(doc) as StoredCursorSession) : null;
  }

  async write(
    project: string,
    key: string,
    next: StoredCursorSession,
    expectedVersion: number,
    ttlMs: number,
  ): Promise<WriteOutcome> {
    const expiresAt = Date.now() + ttlMs;
    const doc: StoredCursorSession = { ...next, expiresAt: new Date(expiresAt).toISOString() };
    const reply = await this.redis.eval<string[], [number, string]>(
      WRITE_SCRIPT,
      [this.docKey(project, key), this.indexKey(project)],
      [String(expectedVersion), String(next.version), JSON.stringify(doc), String(ttlMs), key, String(expiresAt)],
    );
    return reply[0] === 1 ? { ok: true } : { ok: false, currentVersion: Number(reply[1]) };
  }

  async list(project: string): Promise<StoredCursorSession[]> {
    const index = this.indexKey(project);
    const [, members] = await this.redis
      .pipeline()
      .zremrangebyscore(index, '-inf', Date.now())
      .zrange(index, 0, -1)
      .exec<[number, string[]]>();
    if (!members.length) return [];
    const reads = this.redis.pipeline();
    for (const member of members) reads.hget(this.docKey(project, member), 'doc');
    const docs = await reads.exec<(string | null)[]>();
    return docs
      .filter((doc): doc is string => typeof doc === 'string')
      .map((doc) => JSON.parse(doc) as StoredCursorSession)
      .sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
  }
}
