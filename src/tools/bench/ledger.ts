import { neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import { startLocalPostgres } from '../../local/postgres';
import { startPgWebSocketBridge } from '../../local/pg-ws-bridge';
import { migrateDatabase } from '../migrate';
import { Ledger } from '../../db/client';
import { AuditLog } from '../../audit/log';
import { Logger } from '../../lib/log';

const APPENDS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(name: string, samples: number[], wallMs: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, appends: samples.length, perSecond: Math.round((samples.length / wallMs) * 1000), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/**
 * The design question "advisory lock per request, or a Durable Object that owns a
 * warm connection?": how much of an audit append is the connection itself. Cold =
 * a new pool per append (what a Worker request does); warm = one pool reused (what
 * a Durable Object holding the connection would do). Same driver, same bridge.
 */
export async function run(): Promise<void> {
  neonConfig.webSocketConstructor = ws;
  const pg = await startLocalPostgres();
  const bridge = await startPgWebSocketBridge({ target: { host: pg.host, port: pg.port } });
  const settings = { url: pg.url, wsProxy: `127.0.0.1:${bridge.port}` };
  const silent = new Logger('silent');
  try {
    await migrateDatabase(settings);
    const actor = { caller: { client: 'cron' as const }, requestId: 'bench' };
    const input = { action: 'bench.append', target: 'bench', summary: 'one audit append' };
    const rows = [];

    for (const concurrency of [1, 8]) {
      // cold: every append opens and closes its own pool
      let samples: number[] = [];
      let started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = 0; i < APPENDS / concurrency; i++) {
            const t = performance.now();
            const ledger = new Ledger(settings, silent);
            await new AuditLog(ledger, actor).record(input);
            await ledger.close();
            samples.push(performance.now() - t);
          }
        }),
      );
      rows.push(summary(`cold connection, ${concurrency} writer(s)`, samples, performance.now() - started));

      // warm: one pool per writer, kept open
      samples = [];
      started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          const ledger = new Ledger(settings, silent);
          const log = new AuditLog(ledger, actor);
          await log.record(input);
          for (let i = 0; i < APPENDS / concurrency; i++) {
            const t = performance.now();
            await log.record(input);
            samples.push(performance.now() - t);
          }
          await ledger.close();
        }),
      );
      rows.push(summary(`warm connection, ${concurrency} writer(s)`, samples, performance.now() - started));
    }

    const verify = await new AuditLog(new Ledger(settings, silent), actor).verify();
    console.log(`\nAudit append through the Neon driver and the bridge (${pg.kind}), ${APPENDS} appends per case; chain intact after: ${verify.intact} (${verify.checked} entries)`);
    console.log('| case | appends/s | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.name} | ${r.perSecond} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`);
    const cold = rows[0]!.p50;
    const warm = rows[1]!.p50;
    console.log(`connection share of a single-writer append: ${(((cold - warm) / cold) * 100).toFixed(0)}% (cold/warm p50 ratio ${(cold / warm).toFixed(1)}x)`);
  } finally {
    await bridge.stop();
    await pg.stop();
  }
}
