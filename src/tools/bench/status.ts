import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalService } from '../../local/service';
import { keyFor } from '../../local/dev-keys';
import { freePort } from '../../../test/support/ports';
import { startWordPressServer } from '../../local/upstreams/wordpress';
import { startCloudwaysServer } from '../../local/upstreams/cloudways';
import { hostingVars } from '../../local/upstreams/hosting';
import { printTable, runLoad, type LoadResult } from './load';

const SEQUENTIAL_ROUNDS = 60;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * GET /ai/review, /ai/status and /ai/metrics against the local service, with the
 * local WordPress and Cloudways stand-ins: one request at a time (the latency a
 * GPT sees for "review the full project"), then under load.
 */
export async function run(): Promise<void> {
  const wordpress = await startWordPressServer();
  const cloudways = await startCloudwaysServer();
  const stateDir = mkdtempSync(join(tmpdir(), 'hezlep-bench-'));
  chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root and must reach its data dir
  const rows: LoadResult[] = [];
  try {
    const service = await startLocalService({
      port: await freePort(),
      stateDir,
      vars: {
        LOG_LEVEL: 'warn',
        ...hostingVars(
          { wordpress: wordpress.url, cloudways: cloudways.url },
          { wordpress: 'healthy', cloudways: 'healthy' },
          'bench',
        ),
      },
    });
    try {
      const headers = { 'x-api-key': keyFor(service.keys, 'human'), 'content-type': 'application/json' };
      await fetch(`${service.url}/ai/context`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ branch: 'main', currentTask: 'bench the review' }),
      });
      console.log(`One request at a time, ${SEQUENTIAL_ROUNDS} rounds after 5 warm-up requests:`);
      for (const path of ['/ai/review', '/ai/status', '/ai/metrics']) {
        for (let i = 0; i < 5; i++) await (await fetch(`${service.url}${path}`, { headers })).text();
        const times: number[] = [];
        let bytes = 0;
        for (let i = 0; i < SEQUENTIAL_ROUNDS; i++) {
          const started = performance.now();
          const response = await fetch(`${service.url}${path}`, { headers });
          const text = await response.text();
          times.push(performance.now() - started);
          if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 200)}`);
          bytes = text.length;
        }
        times.sort((a, b) => a - b);
        console.log(
          `  ${path.padEnd(12)} p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times.at(-1)!.toFixed(1)} ms  body ${bytes} B`,
        );
      }
      rows.push(await runLoad({ name: 'GET /ai/review', url: `${service.url}/ai/review`, headers }));
      rows.push(await runLoad({ name: 'GET /ai/status', url: `${service.url}/ai/status`, headers }));
      rows.push(await runLoad({ name: 'GET /ai/metrics', url: `${service.url}/ai/metrics`, headers }));
    } finally {
      await service.stop();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
    await wordpress.stop();
    await cloudways.stop();
  }
  printTable('Review, status and metrics (8 connections, 5 s each, wrangler dev on loopback)', rows);
}
