import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalService } from '../../local/service';
import { keyFor } from '../../local/dev-keys';
import { startRedisServer } from '../../../test/support/redis-server';
import { startUpstashRestServer } from '../../../test/support/upstash-rest-server';
import { freePort } from '../../../test/support/ports';
import { printTable, runLoad, type LoadResult } from './load';

/** GET and PUT /ai/context with each context adapter, and GET /ai/audit, against the local service. */
export async function run(): Promise<void> {
  const rows: LoadResult[] = [];
  const redis = await startRedisServer();
  const upstash = redis ? await startUpstashRestServer({ redis, token: `bench-${crypto.randomUUID()}` }) : null;
  const adapters: [string, Record<string, string>][] = [['durable-object', {}]];
  if (upstash) adapters.push(['upstash→redis', { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token }]);
  else console.log('bench context: no redis-server, the Upstash adapter is skipped');

  try {
    for (const [name, vars] of adapters) {
      const stateDir = mkdtempSync(join(tmpdir(), 'hezlep-bench-'));
      chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root and must reach its data dir
      const service = await startLocalService({ port: await freePort(), stateDir, vars: { ...vars, LOG_LEVEL: 'warn' } });
      try {
        const headers = { 'x-api-key': keyFor(service.keys, 'cursor'), 'content-type': 'application/json' };
        const body = JSON.stringify({ branch: 'feature/bench', commit: 'abc1234', currentTask: 'benchmark the context store' });
        // Warm up: first requests pay for isolate start-up and the first ledger connection.
        await fetch(`${service.url}/ai/context`, { method: 'PUT', headers, body });
        rows.push(await runLoad({ name: `PUT /ai/context (${name})`, url: `${service.url}/ai/context`, method: 'PUT', headers, body }));
        rows.push(await runLoad({ name: `GET /ai/context (${name})`, url: `${service.url}/ai/context`, headers }));
        if (name === 'durable-object') {
          rows.push(await runLoad({ name: 'GET /ai/audit?limit=50', url: `${service.url}/ai/audit?limit=50`, headers }));
        }
      } finally {
        await service.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    }
  } finally {
    await upstash?.stop();
    await redis?.stop();
  }
  printTable('Context and audit (8 connections, 5 s each, wrangler dev on loopback)', rows);
}
