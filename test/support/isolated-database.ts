import { Pool, neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import type { LocalPostgres } from '../../src/local/postgres';
import { applyNeonLocalSettings } from '../../src/local/neon-local';
import { migrateDatabase } from '../../src/tools/migrate';

/**
 * A second database on the same local server, migrated, for tests that rewrite
 * the whole audit chain (rotation) and must not disturb tests sharing the main one.
 * PGlite serves one database only: then null, and those tests say they skipped.
 */
export async function createIsolatedDatabase(pg: LocalPostgres, wsProxy: string): Promise<string | null> {
  if (pg.kind !== 'postgres') return null;
  const name = `hezlep_isolated_${process.pid}`;
  neonConfig.webSocketConstructor = ws;
  applyNeonLocalSettings(neonConfig, wsProxy);
  const pool = new Pool({ connectionString: pg.url, max: 1 });
  pool.on('error', () => undefined);
  try {
    await pool.query(`drop database if exists ${name}`);
    await pool.query(`create database ${name}`);
  } finally {
    await pool.end();
  }
  const url = new URL(pg.url);
  url.pathname = `/${name}`;
  await migrateDatabase({ url: url.toString(), wsProxy });
  return url.toString();
}
