import { fileURLToPath } from 'node:url';
import { unstable_startWorker } from 'wrangler';
import { startLocalPostgres, type LocalPostgres } from './postgres';
import { startPgWebSocketBridge } from './pg-ws-bridge';
import { migrateDatabase } from '../tools/migrate';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalServiceOptions {
  /** Worker variables (HEZLEP_API_KEYS at least); DATABASE_URL and DATABASE_WS_PROXY are filled in. */
  vars: Record<string, string>;
  /** Where Durable Object storage is kept, so a restart keeps the event history; in memory when omitted. */
  persistDir?: string;
  port?: number;
  log?: (line: string) => void;
}

export interface LocalService {
  url: string;
  port: number;
  /** Stop only the Worker (the ledger stays up), as a crash or deploy would. */
  stopWorker(): Promise<void>;
  /** Start the Worker again on the same port. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

/**
 * The whole service on loopback, offline: a local Postgres behind the WebSocket
 * bridge with migrations applied, and the Worker under wrangler's local runtime.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
  process.env.WRANGLER_SEND_METRICS ??= 'false';
  const stops: (() => Promise<void>)[] = [];
  let pg: LocalPostgres | undefined;
  try {
    pg = await startLocalPostgres({ log: options.log });
    stops.push(() => pg!.stop());
    const bridge = await startPgWebSocketBridge({ target: { host: pg.host, port: pg.port }, log: options.log });
    stops.push(() => bridge.stop());
    const wsProxy = `127.0.0.1:${bridge.port}`;
    await migrateDatabase({ url: pg.url, wsProxy });

    const vars = { ...options.vars, DATABASE_URL: pg.url, DATABASE_WS_PROXY: wsProxy };
    let port = options.port ?? 0;
    let worker: Worker | undefined;
    const start = async () => {
      worker = await unstable_startWorker({
        config: `${ROOT}/wrangler.toml`,
        bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }])),
        dev: {
          server: { hostname: '127.0.0.1', port },
          inspector: false,
          persist: options.persistDir ?? false,
          watch: false,
          liveReload: false,
          logLevel: 'none',
          remote: false,
        },
      });
      const url = await worker.url;
      port = Number(url.port);
    };
    await start();
    const service: LocalService = {
      get url() {
        return `http://127.0.0.1:${port}`;
      },
      get port() {
        return port;
      },
      async stopWorker() {
        await worker?.dispose();
        worker = undefined;
      },
      startWorker: start,
      async stop() {
        await service.stopWorker();
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
    return service;
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
