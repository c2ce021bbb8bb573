import { fileURLToPath } from 'node:url';
import { unstable_startWorker } from 'wrangler';
import { startLocalLedger } from './ledger';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerServiceOptions {
  /** Worker variables (HEZLEP_API_KEYS at least); DATABASE_URL and DATABASE_WS_PROXY are filled in. */
  vars: Record<string, string>;
  /** Where Durable Object storage is kept, so a restart keeps the event history; in memory when omitted. */
  persistDir?: string;
  port?: number;
  log?: (line: string) => void;
}

export interface WorkerService {
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
 * The whole service on loopback, in this process: the local ledger and the Worker
 * under wrangler's programmatic dev runtime, which can be stopped and started
 * again on the same port (tests of reconnecting clients use that).
 */
export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
  process.env.WRANGLER_SEND_METRICS ??= 'false';
  const stops: (() => Promise<void>)[] = [];
  try {
    const ledger = await startLocalLedger({ log: options.log });
    stops.push(() => ledger.stop());
    const vars = { ...options.vars, ...ledger.vars };
    let port = options.port ?? 0;
    let worker: Worker | undefined;
    const start = async () => {
      worker = await unstable_startWorker({
        config: `${ROOT}/wrangler.toml`,
        bindings: {
          ...Object.fromEntries(
            Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }]),
          ),
          // The local Vectorize stand-in: the dev entry (wrangler.toml's top-level main) exports its class.
          LOCAL_VECTORIZE: { type: 'durable_object_namespace' as const, class_name: 'LocalVectorizeObject' },
        },
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
    const service: WorkerService = {
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
