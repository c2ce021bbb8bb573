import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import type { CursorSessionStore } from '../../src/cursor/store';
import type { StoredCursorSession } from '../../src/cursor/session';
import { UpstashCursorSessionStore } from '../../src/adapters/cursor-sessions-upstash';
import { DurableObjectCursorSessionStore } from '../../src/adapters/cursor-sessions-durable-object';

function session(version: number, over: Partial<StoredCursorSession> = {}): StoredCursorSession {
  const now = new Date();
  return {
    user: 'alice',
    workspace: 'repo',
    branch: 'main',
    file: 'src/a.ts',
    diff: '+added line ✓\n-removed',
    clientTimestamp: now.toISOString(),
    receivedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 60_000).toISOString(),
    updatedBy: { client: 'cursor', person: 'alice' },
    version,
    ...over,
  };
}

const upstash = inject('upstash');
const adapters: [string, () => CursorSessionStore, boolean][] = [
  ['durable-object', () => new DurableObjectCursorSessionStore(env.CONTEXT_STORE), true],
  ['upstash (real redis-server)', () => new UpstashCursorSessionStore(upstash!), upstash !== null],
];

/** One contract, both adapters: what the cursor session service relies on. */
for (const [name, makeStore, available] of adapters) {
  describe.skipIf(!available)(`cursor session store contract: ${name}`, () => {
    const project = () => `cs-${crypto.randomUUID().slice(0, 8)}`;

    it('reads nothing and lists nothing for a new project', async () => {
      const store = makeStore();
      const p = project();
      expect(await store.read(p, 'alice@repo')).toBeNull();
      expect(await store.list(p)).toEqual([]);
    });

    it('writes at the expected version and reads the same document back', async () => {
      const store = makeStore();
      const p = project();
      const doc = session(1, { selection: { startLine: 3, endLine: 9, text: 'const x = 1;' } });
      expect(await store.write(p, 'alice@repo', doc, 0, 60_000)).toEqual({ ok: true });
      const read = await store.read(p, 'alice@repo');
      expect({ ...read, expiresAt: undefined }).toEqual({ ...doc, expiresAt: undefined });
    });

    it('refuses a stale expected version (compare-and-set)', async () => {
      const store = makeStore();
      const p = project();
      await store.write(p, 'k', session(1), 0, 60_000);
      await store.write(p, 'k', session(2, { branch: 'two' }), 1, 60_000);
      expect(await store.write(p, 'k', session(2, { branch: 'late' }), 1, 60_000)).toEqual({
        ok: false,
        currentVersion: 2,
      });
      expect((await store.read(p, 'k'))?.branch).toBe('two');
    });

    it('lists live sessions newest received first, one per key', async () => {
      const store = makeStore();
      const p = project();
      await store.write(p, 'alice@repo', session(1, { receivedAt: '2026-01-01T00:00:01.000Z' }), 0, 60_000);
      await store.write(p, 'bob@repo', session(1, { user: 'bob', receivedAt: '2026-01-01T00:00:03.000Z' }), 0, 60_000);
      await store.write(p, 'alice@repo', session(2, { receivedAt: '2026-01-01T00:00:02.000Z' }), 1, 60_000);
      const listed = await store.list(p);
      expect(listed.map((s) => [s.user, s.version])).toEqual([
        ['bob', 1],
        ['alice', 2],
      ]);
    });

    it('expires sessions after the TTL, from reads and from the list', async () => {
      const store = makeStore();
      const p = project();
      await store.write(p, 'short', session(1), 0, 150);
      await store.write(p, 'long', session(1, { user: 'bob' }), 0, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await store.read(p, 'short')).toBeNull();
      expect((await store.list(p)).map((s) => s.user)).toEqual(['bob']);
      // Expired means "none live": the next write expects version 0.
      expect(await store.write(p, 'short', session(1), 0, 60_000)).toEqual({ ok: true });
    });

    it('keeps projects apart', async () => {
      const store = makeStore();
      await store.write(project(), 'k', session(1), 0, 60_000);
      expect(await store.list(project())).toEqual([]);
    });
  });
}
