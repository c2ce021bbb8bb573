import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { AuditEntry } from '../../src/audit/log';
import type { Outcome } from '../../src/objects/ledger';
import { auditLog } from '../../src/db/schema';
import { onLiveDatabase } from './support';

const actor = { caller: { client: 'cron' as const, label: 'cron' }, requestId: 'ledger-down-test' };

describe('ledger object with Postgres unreachable', () => {
  it('answers ledger_unavailable for each entry, and writes nothing', async () => {
    const stub = env.LEDGER.get(env.LEDGER.idFromName(`test:${crypto.randomUUID()}`));
    const tag = `down-${crypto.randomUUID().slice(0, 8)}`;
    const entry = (summary: string) => ({ action: 'test.ledger', target: 'test:down', summary, detail: {} });
    const outcomes = (await stub.append(actor, [entry(`${tag} one`), entry(`${tag} two`)])) as Outcome<AuditEntry>[];
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ledger_unavailable', 'ledger_unavailable']);
    const rows = await onLiveDatabase((ledger) =>
      ledger.use((db) =>
        db
          .select({ seq: auditLog.seq })
          .from(auditLog)
          .where(sql`${auditLog.summary} like ${`${tag} %`}`),
      ),
    );
    expect(rows).toHaveLength(0);
  });
});
