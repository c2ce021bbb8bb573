import { neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import { startLocalLedger } from '../../local/ledger';
import { LedgerPool } from '../../db/pool';
import { AuditLog } from '../../audit/log';
import { Logger } from '../../lib/log';
import { ChainWriter } from '../../ledger/writer';
import { writeReadReport } from './load';

/**
 * An audit append through the Neon driver and the bridge, two ways: as a Worker request without the
 * ledger object does it (a new connection, the chain's advisory lock, one transaction per entry)
 * and as the ledger object does it (the ChainWriter on a warm pool, group commit). Each next to a
 * read of the latest 50 entries on the same kind of connection; then throughput at 1, 8 and 32
 * concurrent writers.
 */
export async function run(): Promise<void> {
  neonConfig.webSocketConstructor = ws;
  const local = await startLocalLedger();
  const settings = { url: local.vars.DATABASE_URL!, wsProxy: local.vars.DATABASE_WS_PROXY };
  const silent = new Logger('silent');
  const actor = { caller: { client: 'cron' as const }, requestId: 'bench' };
  const input = { action: 'bench.append', target: 'bench', summary: 'one audit append' };
  const perRequest = async <T>(work: (log: AuditLog) => Promise<T>) => {
    const ledger = new LedgerPool(settings, silent);
    try {
      return await work(new AuditLog(ledger, actor));
    } finally {
      await ledger.close();
    }
  };
  try {
    const acknowledged = await writeReadReport(`audit append, a new connection per request (${local.postgres.kind})`, {
      write: () => perRequest((log) => log.record(input)),
      read: () => perRequest((log) => log.list({ limit: 50 })),
    });
    const warm = new LedgerPool({ ...settings, keepAlive: true }, silent);
    const writer = new ChainWriter(warm, silent);
    const log = new AuditLog(warm, actor);
    await writer.append(actor, input);
    const grouped = await writeReadReport(
      `audit append through the ledger object's writer: warm pool, group commit (${local.postgres.kind})`,
      {
        write: () => writer.append(actor, input),
        read: () => log.list({ limit: 50 }),
      },
    );
    const { batches, entries, largestBatch } = writer.stats;
    console.log(`writer: ${entries} entries in ${batches} transactions (largest ${largestBatch})`);
    await warm.close();
    const verify = await perRequest((log) => log.verify());
    console.log(
      `chain intact after: ${verify.intact} (${verify.checked} entries, ${acknowledged + grouped + 1} acknowledged appends)`,
    );
  } finally {
    await local.stop();
  }
}
