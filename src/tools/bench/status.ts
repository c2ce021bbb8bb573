import { unstable_dev } from 'wrangler';
import { startLocalPostgres } from '../../local/postgres';
import { startPgWebSocketBridge } from '../../local/pg-ws-bridge';
import { migrateDatabase } from '../migrate';
import { startWordPressServer, WORDPRESS_APP_PASSWORD, WORDPRESS_USER } from '../../../test/support/wordpress-server';
import { startCloudwaysServer, CLOUDWAYS_API_KEY, CLOUDWAYS_EMAIL } from '../../../test/support/cloudways-server';

const KEY = 'bench-human-key-0123456789abcdef';
const ROUNDS = 60;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Latency of GET /ai/review, /ai/status and /ai/metrics through wrangler's local
 * runtime, against a local Postgres (behind the WebSocket bridge), the embedded
 * context store and the local WordPress and Cloudways stand-ins.
 */
export async function run(): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const pg = await startLocalPostgres();
    stops.push(() => pg.stop());
    const bridge = await startPgWebSocketBridge({ target: { host: pg.host, port: pg.port } });
    stops.push(() => bridge.stop());
    const wsProxy = `127.0.0.1:${bridge.port}`;
    await migrateDatabase({ url: pg.url, wsProxy });
    const wordpress = await startWordPressServer();
    stops.push(() => wordpress.stop());
    const cloudways = await startCloudwaysServer();
    stops.push(() => cloudways.stop());

    const worker = await unstable_dev('src/index.ts', {
      config: 'wrangler.toml',
      local: true,
      logLevel: 'none',
      experimental: { disableExperimentalWarning: true },
      vars: {
        HEZLEP_API_KEYS: JSON.stringify([{ client: 'human', person: 'bench', key: KEY }]),
        DATABASE_URL: pg.url,
        DATABASE_WS_PROXY: wsProxy,
        LOG_LEVEL: 'silent',
        PROJECT_ID: 'bench',
        WP_REST_ENDPOINT: `${wordpress.url}/healthy/wp-json`,
        WP_USER: WORDPRESS_USER,
        WP_APP_PASSWORD: WORDPRESS_APP_PASSWORD,
        CLOUDWAYS_API_URL: `${cloudways.url}/healthy/bench/api/v1`,
        CW_EMAIL: CLOUDWAYS_EMAIL,
        CW_API_KEY: CLOUDWAYS_API_KEY,
      },
    });
    stops.push(() => worker.stop());
    const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };
    await worker.fetch('/ai/context', { method: 'PUT', headers, body: JSON.stringify({ branch: 'main', currentTask: 'bench' }) });

    for (const path of ['/ai/review', '/ai/status', '/ai/metrics']) {
      for (let i = 0; i < 5; i++) await (await worker.fetch(path, { headers })).text(); // warm-up
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const started = performance.now();
        const response = await worker.fetch(path, { headers });
        const text = await response.text();
        times.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 200)}`);
        bytes = text.length;
      }
      times.sort((a, b) => a - b);
      console.log(
        `${path.padEnd(12)} n=${ROUNDS} p50=${percentile(times, 50).toFixed(1)} ms p99=${percentile(times, 99).toFixed(1)} ms max=${times.at(-1)!.toFixed(1)} ms body=${bytes} B`,
      );
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

if (process.argv[1]?.endsWith('bench/status.ts')) {
  run().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
