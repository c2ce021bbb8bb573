import type { Redis } from '@upstash/redis/cloudflare';
import { upstashClient } from './upstash';
import type { ContextRead, ContextStore, WriteOutcome } from '../context/store';
import type { StoredContext } from '../context/snapshot';

/*
 * Layout: a hash `hezlep:{project}:context` with `version` and `doc` (JSON), expiring
 * with the context, and `hezlep:{project}:context:last-version`, kept forever so
 * versions never go back after expiry. Both writes happen in one Lua script, which
 * is also where the compare-and-set on the live version runs.
 */
const WRITE_SCRIPT = `
local live = redis.call('HGET', KEYS[1], 'version') or '0'
if live ~= ARGV[1] then return {0, live} end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[2]) <= last then return {0, live} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'doc', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[2])
return {1, ARGV[2]}
`;

const CLEAR_SCRIPT = `
local live = redis.call('HGET', KEYS[1], 'version') or '0'
if live ~= ARGV[1] then return {0, live} end
redis.call('DEL', KEYS[1])
return {1, live}
`;

export class UpstashContextStore implements ContextStore {
  readonly kind = 'upstash' as const;
  private readonly redis: Redis;

  constructor(settings: { url: string; token: string }) {
    this.redis = upstashClient(settings);
  }

  private keys(project: string): [string, string] {
    return [`hezlep:${project}:context`, `hezlep:${project}:context:last-version`];
  }

  async read(project: string): Promise<ContextRead> {
    const [docKey, lastKey] = this.keys(project);
    // One request, so the live doc and the version counter are read together.
    const [doc, last] = await this.redis
      .pipeline()
      .hget(docKey, 'doc')
      .get(lastKey)
      .exec<[string | null, string | null]>();
    return {
      current: doc ? (JSON.parse(doc) as StoredContext) : null,
      lastVersion: last ? Number(last) : 0,
    };
  }

  async write(project: string, next: StoredContext, expectedVersion: number, ttlMs: number): Promise<WriteOutcome> {
    const reply = await this.redis.eval<string[], [number, string]>(WRITE_SCRIPT, this.keys(project), [
      String(expectedVersion),
      String(next.version),
      JSON.stringify(next),
      String(ttlMs),
    ]);
    return reply[0] === 1 ? { ok: true } : { ok: false, currentVersion: Number(reply[1]) };
  }

  async clear(project: string, expectedVersion: number): Promise<WriteOutcome> {
    const [docKey] = this.keys(project);
    const reply = await this.redis.eval<string[], [number, string]>(CLEAR_SCRIPT, [docKey], [String(expectedVersion)]);
    return reply[0] === 1 ? { ok: true } : { ok: false, currentVersion: Number(reply[1]) };
  }
}
