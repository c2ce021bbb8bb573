import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { clipParams, resultCountOf, type QueryLogStore, type RecordedQuery } from '../../src/queries/log';
import { DurableObjectQueryLogStore } from '../../src/adapters/query-log-durable-object';
import { UpstashQueryLogStore } from '../../src/adapters/query-log-upstash';

function entry(n: number): RecordedQuery {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    method: 'GET',
    route: '/ai/audit',
    path: '/ai/audit',
    params: { n: String(n) },
    status: 200,
    resultCount: n,
    latencyMs: 1.5,
    requestId: `req-${n}`,
  };
}

describe('resultCountOf', () => {
  it('counts a list, the main list of an object, or a live flag', () => {
    expect(resultCountOf([1, 2, 3])).toBe(3);
    expect(resultCountOf({ entries: [1, 2], truncated: false })).toBe(2);
    expect(resultCountOf({ repo: 'a/b', commits: [1] })).toBe(1);
    expect(resultCountOf({ verdict: 'ok', layers: [1, 2, 3, 4] })).toBe(4);
    expect(resultCountOf({ live: false, message: 'none' })).toBe(0);
    expect(resultCountOf({ live: true, context: {} })).toBe(1);
    expect(resultCountOf({ status: 'ok' })).toBeNull();
    expect(resultCountOf('text')).toBeNull();
  });
});

describe('clipParams', () => {
  it('clips long values, caps the count and withholds secret-looking names', () => {
    const search = new URLSearchParams({ q: 'x'.repeat(500), api_key: 'sk-live-123', token: 't', branch: 'main' });
    for (let i = 0; i < 30; i++) search.append(`p${i}`, String(i));
    const params = clipParams(search);
    expect(params.q).toHaveLength(200);
    expect(params.q!.endsWith('…')).toBe(true);
    expect(params.api_key).toBe('[withheld]');
    expect(params.token).toBe('[withheld]');
    expect(params.branch).toBe('main');
    expect(Object.keys(params)).toHaveLength(20);
    expect(JSON.stringify(params)).not.toContain('sk-live-123');
  });
});

const upstash = inject('upstash');
const adapters: [string, () => QueryLogStore, boolean][] = [
  ['durable-object', () => new DurableObjectQueryLogStore(env.CONTEXT_STORE), true],
  ['upstash (real redis-server)', () => new UpstashQueryLogStore(upstash!), upstash !== null],
];

for (const [name, makeStore, available] of adapters) {
  describe.skipIf(!available)(`query log contract: ${name}`, () => {
    const project = () => `queries-${crypto.randomUUID().slice(0, 8)}`;

    it('is empty for a project never written', async () => {
      expect(await makeStore().recent(project(), 10)).toEqual([]);
    });

    it('returns entries newest first, round-tripped exactly', async () => {
      const store = makeStore();
      const p = project();
      for (const n of [1, 2, 3]) await store.append(p, entry(n), 10);
      expect(await store.recent(p, 10)).toEqual([entry(3), entry(2), entry(1)]);
      expect(await store.recent(p, 2)).toEqual([entry(3), entry(2)]);
    });

    it('keeps only the last `capacity` entries', async () => {
      const store = makeStore();
      const p = project();
      for (let n = 1; n <= 8; n++) await store.append(p, entry(n), 5);
      const kept = await store.recent(p, 100);
      expect(kept.map((q) => q.resultCount)).toEqual([8, 7, 6, 5, 4]);
    });

    it('keeps projects apart', async () => {
      const store = makeStore();
      const a = project();
      const b = project();
      await store.append(a, entry(1), 5);
      expect(await store.recent(b, 5)).toEqual([]);
    });
  });
}
