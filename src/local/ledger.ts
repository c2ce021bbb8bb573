import { startLocalPostgres, type LocalPostgres } from './postgres';
import { startPgWebSocketBridge } from './pg-ws-bridge';
import { migrateDatabase } from '../tools/migrate';

export interface LocalLedger {
  postgres: LocalPostgres;
  /** The Worker variables that point the Neon driver at this ledger. */
  vars: { DATABASE_URL: string; DATABASE_WS_PROXY: string };
  stop(): Promise<void>;
}

/** A local Postgres behind the WebSocket bridge with the migrations applied: the ledger the Worker talks to. */
export async function startLocalLedger(
  options: { dataDir?: string; log?: (line: string) => void } = {},
): Promise<LocalLedger> {
  const postgres = await startLocalPostgres({ dataDir: options.dataDir, log: options.log });
  try {
    const bridge = await startPgWebSocketBridge({
      target: { host: postgres.host, port: postgres.port },
      log: options.log,
    });
    const vars = { DATABASE_URL: postgres.url, DATABASE_WS_PROXY: `127.0.0.1:${bridge.port}` };
    try {
      await migrateDatabase({ url: vars.DATABASE_URL, wsProxy: vars.DATABASE_WS_PROXY });
    } catch (error) {
      await bridge.stop();
      throw error;
    }
    return {
      postgres,
      vars,
      async stop() {
        await bridge.stop().catch(() => undefined);
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop().catch(() => undefined);
    throw error;
  }
}
