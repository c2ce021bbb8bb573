import { fileURLToPath } from 'node:url';
import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import ws from 'ws';
import { applyNeonLocalSettings } from '../local/neon-local';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface MigrateTarget {
  url: string;
  /** host:port of the local WebSocket bridge; omit for Neon. */
  wsProxy?: string;
}

/** Apply the committed drizzle migrations through the same driver the Worker uses. */
export async function migrateDatabase(target: MigrateTarget): Promise<void> {
  neonConfig.webSocketConstructor = ws;
  if (target.wsProxy) applyNeonLocalSettings(neonConfig, target.wsProxy);
  const pool = new Pool({ connectionString: target.url, max: 1 });
  pool.on('error', () => undefined);
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await pool.end();
  }
}

/** Create a database next to the one `url` names (if missing) and return its URL. */
export async function createDatabase(url: string, wsProxy: string | undefined, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`createDatabase: invalid name ${name}`);
  neonConfig.webSocketConstructor = ws;
  if (wsProxy) applyNeonLocalSettings(neonConfig, wsProxy);
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  try {
    const { rowCount } = await pool.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await pool.query(`create database ${name}`);
  } finally {
    await pool.end();
  }
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'db:migrate: set DATABASE_URL (and DATABASE_WS_PROXY=host:port for a local Postgres behind the bridge).',
    );
    process.exit(2);
  }
  const started = Date.now();
  await migrateDatabase({ url, wsProxy: process.env.DATABASE_WS_PROXY || undefined });
  console.log(`db:migrate: migrations applied in ${Date.now() - started} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(`db:migrate: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
