import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { LedgerPool } from '../../src/db/pool';
import { AuditLog } from '../../src/audit/log';
import { Logger } from '../../src/lib/log';
import { call, expectStatus } from '../support/http';
import type { ListAuditResponse } from '../../src/routes/audit/list-audit';

const silent = new Logger('silent');

function ledger(url = env.DATABASE_URL as string) {
  return new LedgerPool({ url, wsProxy: env.DATABASE_WS_PROXY as string }, silent);
}

function auditAs(l: LedgerPool, client: 'gpt' | 'cron' = 'cron') {
  return new AuditLog(l, { caller: { client }, requestId: `test-${crypto.randomUUID()}` });
}

describe('audit chain under concurrency (real Postgres)', () => {
  it('parallel writers on separate connections never fork the chain', async () => {
    const target = `test:${crypto.randomUUID()}`;
    const writers = Array.from({ length: 24 }, () => ledger());
    try {
      const entries = await Promise.all(
        writers.map((l, i) => auditAs(l).record({ action: 'test.append', target, summary: `writer ${i}` })),
      );
      const seqs = entries.map((e) => e.seq).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await Promise.all(writers.map((l) => l.close()));
    }
    const verify = await call('GET', '/ai/audit/verify', { as: 'human' });
    expectStatus(verify, 200);
    expect(verify.body.intact, verify.text).toBe(true);
    expect(verify.body.checked).toBeGreaterThanOrEqual(24);
  });

  it('parallel context writes through the API each leave exactly one linked entry', async () => {
    const project = `par-${crypto.randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('PATCH', '/ai/context', {
          as: i % 2 ? 'gpt' : 'cursor',
          env: { PROJECT_ID: project },
          body: { currentTask: `task ${i}` },
        }),
      ),
    );
    for (const r of results) expectStatus(r, 200);
    // Last write wins, serialised: versions 1..12 each used exactly once.
    expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const page = await call<ListAuditResponse>('GET', `/ai/audit?target=context:${project}&limit=50`, { as: 'human' });
    expect(page.body.entries).toHaveLength(12);
    expect((await call('GET', '/ai/audit/verify', { as: 'cron' })).body.intact).toBe(true);
  });
});

describe('tamper detection (scratch database)', () => {
  it('reports the first altered, removed or inserted entry', async () => {
    const scratch = ledger(inject('scratchDatabaseUrl'));
    try {
      const log = auditAs(scratch);
      await scratch.use((db) => db.execute(sql`delete from audit_log`));
      for (let i = 0; i < 5; i++) await log.record({ action: 'test.append', target: 't', summary: `entry ${i}` });
      expect(await log.verify()).toMatchObject({ intact: true, checked: 5, firstSeq: 1, lastSeq: 5 });

      await scratch.use((db) => db.execute(sql`update audit_log set summary = 'rewritten' where seq = 3`));
      expect(await log.verify()).toMatchObject({
        intact: false,
        checked: 2,
        firstBad: { seq: 3, reason: expect.stringMatching(/hash/) },
      });

      await scratch.use((db) => db.execute(sql`update audit_log set summary = 'entry 2' where seq = 3`));
      expect((await log.verify()).intact).toBe(true);

      await scratch.use((db) => db.execute(sql`delete from audit_log where seq = 4`));
      expect(await log.verify()).toMatchObject({
        intact: false,
        firstBad: { seq: 5, reason: expect.stringMatching(/gap/) },
      });

      // The same check runs through the API for a deployment on that database.
      const viaApi = await call('GET', '/ai/audit/verify', {
        as: 'human',
        env: { DATABASE_URL: inject('scratchDatabaseUrl') },
      });
      expectStatus(viaApi, 200);
      expect(viaApi.body).toMatchObject({ intact: false, firstBad: { seq: 5 } });
    } finally {
      await scratch.close();
    }
  });
});
