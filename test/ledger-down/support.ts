import { env } from 'cloudflare:test';
import { LedgerPool } from '../../src/db/pool';
import { Logger } from '../../src/lib/log';

/**
 * This project's Worker and objects see a Postgres that is not there (test/vitest.config.ts, project
 * 'ledger-down'); tests read what was (not) written on a connection of their own to the live one.
 */
export async function onLiveDatabase<T>(work: (ledger: LedgerPool) => Promise<T>): Promise<T> {
  const ledger = new LedgerPool(
    { url: env.DATABASE_URL as string, wsProxy: env.TEST_LIVE_DATABASE_WS_PROXY as string },
    new Logger('silent'),
  );
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
}

export function project(prefix: string) {
  return { PROJECT_ID: `${prefix}-${crypto.randomUUID().slice(0, 12)}` };
}
