import { Pool, neonConfig, type PoolClient } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import * as schema from './schema';
import { ApiError } from '../errors';
import type { Logger } from '../lib/log';

export type Database = NeonDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

export interface LedgerPoolSettings {
  url: string;
  /** host:port of a local WebSocket-to-TCP bridge; unset in production (Neon's own proxy is used). */
  wsProxy?: string;
  /** Keep idle connections open (a pool owned by a Durable Object across requests). */
  keepAlive?: boolean;
}

/**
 * Point the Neon driver at a plain local Postgres behind our bridge. The driver's
 * settings are process-wide, so this is applied per request from validated config
 * rather than at import time.
 */
function configureDriver(settings: LedgerPoolSettings): void {
  if (!settings.wsProxy) return;
  const proxy = settings.wsProxy;
  neonConfig.wsProxy = () => `${proxy}/v2`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  neonConfig.forceDisablePgSSL = true;
}

/**
 * The Postgres ledger (audit and intents) for one request. Workers cannot share
 * a connection across requests, so the pool is opened on first use and closed
 * when the request is done.
 */
export class LedgerPool {
  #pool?: Pool;
  #db?: Database;

  constructor(
    private readonly settings: LedgerPoolSettings,
    private readonly log: Logger,
  ) {}

  get db(): Database {
    if (!this.#db) {
      configureDriver(this.settings);
      const pool = new Pool({
        connectionString: this.settings.url,
        max: 4,
        connectionTimeoutMillis: 5_000,
        // Held by a Durable Object, idle connections stay open: keeping them warm is the point.
        ...(this.settings.keepAlive ? { idleTimeoutMillis: 0 } : {}),
      });
      // workerd reports an error after every clean WebSocket close; it is not actionable.
      pool.on('error', (error: unknown) => this.log.debug('ledger pool error', { error: String(error) }));
      this.#pool = pool;
      this.#db = drizzle({ client: pool, schema });
    }
    return this.#db;
  }

  /** Run ledger work, turning connection failures into a clear 503. */
  async use<T>(work: (db: Database) => Promise<T>): Promise<T> {
    try {
      return await work(this.db);
    } catch (error) {
      throw asLedgerError(error);
    }
  }

  /** One connection of the pool for statements drizzle does not shape (multi-statement, savepoints). */
  async connect(): Promise<PoolClient> {
    void this.db;
    return this.#pool!.connect();
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#db = undefined;
    if (pool) await pool.end().catch(() => undefined);
  }
}

/** SQLSTATE codes are five characters; anything else from the driver is a connection failure. */
function isSqlError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** The SQLSTATE of a Postgres error (or of its cause), if it is one. */
export function sqlState(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const found = isSqlError(error) ? error : isSqlError(cause) ? cause : undefined;
  return (found as { code?: string } | undefined)?.code;
}

/** A connection that failed may have taken a commit with it: the caller cannot know whether its change landed. */
const LEDGER_UNAVAILABLE =
  'The audit ledger (Postgres) is unavailable; a change this request made may or may not have been recorded: read it back before retrying.';

export function asLedgerError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (isSqlError(error) || isSqlError(cause)) {
    const code = ((isSqlError(error) ? error : cause) as { code: string }).code;
    // Connection-class (08), shutdown (57P) and resource (53) errors mean the ledger is unreachable.
    if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('53')) {
      return new ApiError('ledger_unavailable', LEDGER_UNAVAILABLE, {
        internal: error,
      });
    }
    return error;
  }
  return new ApiError('ledger_unavailable', LEDGER_UNAVAILABLE, {
    internal: error,
  });
}
