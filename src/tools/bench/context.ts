import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalService } from '../../local/service';
import { keyFor } from '../../local/dev-keys';
import { startRedisServer } from '../../../test/support/redis-server';
import { startUpstashRestServer } from '../../../test/support/upstash-rest-server';
import { freePort } from '../../../test/support/ports';
import { keepAliveClient, writeReadReport } from './load';

/**
 * PATCH /ai/context (an audited write) next to GET /ai/context on the local service, per context adapter:
 * sequential latencies and their ratio, write throughput at 1, 8 and 32 concurrent writers, then the
 * audit check: the chain verifies and holds exactly one entry per acknowledged write.
 */
export async function run(): Promise<void> {
  const redis = await startRedisServer();
  const upstash = redis ? await startUpstashRestServer({ redis, token: `bench-${crypto.randomUUID()}` }) : null;
  const adapters: [string, Record<string, string>][] = [['durable-object', {}]];
  if (upstash)
    adapters.push(['upstash→redis', { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token }]);
  else console.log('bench context: no redis-server, the Upstash adapter is skipped');

  try {
    for (const [name, vars] of adapters) {
      const stateDir = mkdtempSync(join(tmpdir(), 'hezlep-bench-'));
      chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root and must reach its data dir
      const project = `bench-${crypto.randomUUID().slice(0, 8)}`;
      const service = await startLocalService({
        port: await freePort(),
        stateDir,
        vars: { ...vars, LOG_LEVEL: 'warn', PROJECT_ID: project },
      });
      try {
        const headers = { 'x-api-key': keyFor(service.keys, 'cursor'), 'content-type': 'application/json' };
        const client = keepAliveClient(service.url, headers);
        let n = 0;
        const write = async () => {
          const { status } = await client.request(
            'PATCH',
            '/ai/context',
            JSON.stringify({ currentTask: `bench write ${n++}` }),
          );
          if (status !== 200) throw new Error(`PATCH ${status}`);
        };
        const read = async () => {
          const { status } = await client.request('GET', '/ai/context');
          if (status !== 200) throw new Error(`GET ${status}`);
        };
        // Warm up: first requests pay for isolate start-up and the first ledger connection.
        for (let i = 0; i < 5; i++) await write().then(read);
        const acknowledged =
          5 + (await writeReadReport(`PATCH vs GET /ai/context (${name}), wrangler dev on loopback`, { write, read }));
        const verify = (await (await fetch(`${service.url}/ai/audit/verify`, { headers })).json()) as {
          intact: boolean;
          checked: number;
        };
        let entries = 0;
        let cursor: string | null = null;
        do {
          const page = (await (
            await fetch(
              `${service.url}/ai/audit?target=context:${project}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
              { headers },
            )
          ).json()) as { entries: unknown[]; nextCursor: string | null };
          entries += page.entries.length;
          cursor = page.nextCursor;
        } while (cursor);
        console.log(
          `audit: chain intact ${verify.intact} (${verify.checked} entries); ${entries} context entries for ${acknowledged} acknowledged writes`,
        );
        const status = (await (await fetch(`${service.url}/ai/status`, { headers })).json()) as {
          layers: {
            layer: string;
            details?: { writer?: { entries: number; batches: number; largestBatch: number } };
          }[];
        };
        const writer = status.layers.find((layer) => layer.layer === 'ledger')?.details?.writer;
        if (writer)
          console.log(
            `ledger object: ${writer.entries} entries in ${writer.batches} transactions (${(writer.entries / writer.batches).toFixed(2)} per transaction, largest ${writer.largestBatch})`,
          );
        client.close();
      } finally {
        await service.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    }
  } finally {
    await upstash?.stop();
    await redis?.stop();
  }
}
