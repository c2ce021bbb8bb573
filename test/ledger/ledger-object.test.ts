import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { LedgerPool } from '../../src/db/pool';
import { AuditLog, type AuditEntry } from '../../src/audit/log';
import { Logger } from '../../src/lib/log';
import type { Outcome } from '../../src/objects/ledger';
import { auditLog } from '../../src/db/schema';

const silent = new Logger('silent');
const database = { url: env.DATABASE_URL as string, wsProxy: env.DATABASE_WS_PROXY as string };
const actor = { caller: { client: 'cron' as const, label: 'cron' }, requestId: 'ledger-test' };

/** A fresh ledger object (a name no other test uses), or the object of that name. */
function ledgerObject(name = `test:${crypto.randomUUID()}`) {
  return env.LEDGER.get(env.LEDGER.idFromName(name));
}

function entry(summary: string, detail: Record<string, unknown> = {}) {
  return { action: 'test.ledger', target: `test:${summary.split(' ')[0]}`, summary, detail };
}

async function append(stub: ReturnType<typeof ledgerObject>, inputs: ReturnType<typeof entry>[]) {
  return (await stub.append(actor, inputs)) as Outcome<AuditEntry>[];
}

async function withDatabase<T>(work: (ledger: LedgerPool) => Promise<T>): Promise<T> {
  const ledger = new LedgerPool(database, silent);
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
}

/** Entries of one run (their summaries start with `tag`), as stored. */
function stored(tag: string) {
  return withDatabase((ledger) =>
    ledger.use((db) =>
      db
        .select({ seq: auditLog.seq, hash: auditLog.hash, summary: auditLog.summary })
        .from(auditLog)
        .where(sql`${auditLog.summary} like ${`${tag} %`}`),
    ),
  );
}

/** The chain forks if two entries name the same predecessor. */
async function forks(): Promise<number> {
  const rows = await withDatabase((ledger) =>
    ledger.use((db) => db.execute(sql`select prev_hash from audit_log group by prev_hash having count(*) > 1`)),
  );
  return rows.rows.length;
}

async function verify() {
  return withDatabase((ledger) => new AuditLog(ledger, actor).verify());
}

describe('ledger object (real Postgres)', () => {
  it('group-commits concurrent appends: each gets its own seq and hash, in fewer transactions than entries', async () => {
    const stub = ledgerObject();
    const tag = `group-${crypto.randomUUID().slice(0, 8)}`;
    await append(stub, [entry(`${tag} warm-up`)]);
    const outcomes = (
      await Promise.all(Array.from({ length: 40 }, (_, i) => append(stub, [entry(`${tag} ${i}`)])))
    ).flat();
    expect(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes.find((o) => !o.ok)),
    ).toBe(true);
    const seqs = outcomes.map((o) => (o.ok ? o.value.seq : 0));
    expect(new Set(seqs).size).toBe(40);
    const stats = await stub.stats();
    expect(stats.entries).toBe(41);
    expect(stats.batches).toBeLessThan(41);
    expect(stats.largestBatch).toBeGreaterThan(1);
    expect((await stored(tag)).length).toBe(41);
    expect((await verify()).intact).toBe(true);
  });

  it('fails only the invalid entry of a batch', async () => {
    const stub = ledgerObject();
    const tag = `invalid-${crypto.randomUUID().slice(0, 8)}`;
    // A detail the chain cannot hash (a number that is not finite) is refused; its neighbours are written.
    const outcomes = await append(stub, [
      entry(`${tag} first`),
      entry(`${tag} bad`, { ratio: Number.POSITIVE_INFINITY }),
      entry(`${tag} last`),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const [first, , last] = outcomes.map((o) => (o.ok ? o.value : undefined));
    expect(last!.seq).toBeGreaterThan(first!.seq);
    expect((await stored(tag)).map((r) => r.summary).sort()).toEqual([`${tag} first`, `${tag} last`]);
    // Now the object knows the head, so the batch takes the one-statement path first: the same holds there.
    const again = await append(stub, [
      entry(`${tag} again`),
      entry(`${tag} bad again`, { ratio: Number.NEGATIVE_INFINITY }),
      entry(`${tag} end`),
    ]);
    expect(again.map((o) => o.ok)).toEqual([true, false, true]);
    expect((await stored(tag)).length).toBe(4);
    // Postgres keeps no NUL in text: the entry is stored (and hashed) with U+FFFD in its place, not refused.
    const [nul] = await append(stub, [entry(`${tag} nul \u0000 byte`)]);
    expect(nul).toMatchObject({ ok: true, value: { summary: `${tag} nul \ufffd byte` } });
    // A value the chain cannot hash never reaches a batch either.
    const [nan] = await append(stub, [entry(`${tag} nan`, { ratio: Number.NaN })]);
    expect(nan).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect((await verify()).intact).toBe(true);
  });

  it('two writers (two object instances and a direct connection) never fork the chain', async () => {
    const [a, b] = [ledgerObject(), ledgerObject()];
    const tag = `two-${crypto.randomUUID().slice(0, 8)}`;
    await append(a, [entry(`${tag} a-first`)]);
    // Another writer moves the head behind a's back; a must link to it, not to what it remembers.
    await withDatabase((ledger) => new AuditLog(ledger, actor).record(entry(`${tag} direct`)));
    const [after] = await append(a, [entry(`${tag} a-after`)]);
    expect(after!.ok).toBe(true);
    expect((await a.stats()).foreignHeads).toBeGreaterThanOrEqual(1);

    const direct = new LedgerPool(database, silent);
    try {
      const results = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => append(i % 2 ? a : b, [entry(`${tag} object-${i}`)])),
        ...Array.from({ length: 6 }, (_, i) =>
          new AuditLog(direct, actor).record(entry(`${tag} connection-${i}`)).then((e) => [{ ok: true, value: e }]),
        ),
      ]);
      expect(results.flat().every((o) => o.ok)).toBe(true);
    } finally {
      await direct.close();
    }
    const rows = await stored(tag);
    expect(rows).toHaveLength(29);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(29);
    expect(await forks()).toBe(0);
    expect((await verify()).intact).toBe(true);
  });

  it('restarted mid-batch: every acknowledged append is in the chain, every other one is in it or was reported failed', async () => {
    const name = `test:${crypto.randomUUID()}`;
    const stub = ledgerObject(name);
    const tag = `restart-${crypto.randomUUID().slice(0, 8)}`;
    await append(stub, [entry(`${tag} warm-up`)]);
    const calls = Array.from({ length: 30 }, (_, i) => append(stub, [entry(`${tag} ${i}`)]).then(([o]) => o!));
    const aborted = runInDurableObject(stub, (_instance, state) => state.abort('restart for the test')).then(
      () => 'not aborted',
      () => 'aborted',
    );
    const settled = await Promise.allSettled(calls);
    expect(await aborted).toBe('aborted');
    const rows = new Map((await stored(tag)).map((r) => [r.summary, r]));
    let acknowledged = 0;
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled' && result.value.ok) {
        acknowledged++;
        expect(rows.get(`${tag} ${i}`)?.hash, `acknowledged append ${i}`).toBe(result.value.value.hash);
      }
    });
    expect(rows.size).toBeGreaterThanOrEqual(acknowledged + 1);
    // The next instance reads the head again and links after whatever did commit.
    const [next] = await append(ledgerObject(name), [entry(`${tag} after`)]);
    expect(next!.ok).toBe(true);
    expect(await forks()).toBe(0);
    expect((await verify()).intact).toBe(true);
  });
});
