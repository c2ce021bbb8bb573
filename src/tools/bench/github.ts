import { fileURLToPath } from 'node:url';
import { unstable_startWorker } from 'wrangler';
import { startGitHubStandIn, type GitHubStandIn } from '../../local/upstreams/github';
import { startRedisServer } from '../../../test/support/redis-server';
import { startUpstashRestServer } from '../../../test/support/upstash-rest-server';

/**
 * Latency of GET /ai/github/activity (limit 5) inside workerd (wrangler's local runtime)
 * against the local GitHub server, in three states:
 *  - cold: nothing remembered, every GitHub answer fetched in full;
 *  - etag: the answer cache is off (GITHUB_CACHE_SECONDS=0), every request revalidated
 *    with If-None-Match and answered 304;
 *  - answer-cache hit: the shaped answer served from the cache, GitHub not asked.
 * Each on the Durable Object cache and, when redis-server exists, on Upstash (via the
 * local REST bridge). Bounded: ROUNDS repositories per state, one call each.
 */
const ROUNDS = 25;
const WARMUP = 3;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Sample {
  ms: number;
  upstream: number;
  notModified: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const median = (values: number[]) => percentile(values, 50);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function startWorker(vars: Record<string, string>) {
  const bindings = Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text' as const, value }]),
  );
  const worker = await unstable_startWorker({
    config: `${ROOT}wrangler.toml`,
    bindings,
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: false,
      watch: false,
      logLevel: 'none',
    },
  } as Parameters<typeof unstable_startWorker>[0]);
  await worker.ready;
  return worker;
}

async function measure(worker: Awaited<ReturnType<typeof startWorker>>, key: string, repo: string): Promise<Sample> {
  const started = performance.now();
  const response = await worker.fetch(`http://bench.local/ai/github/activity?limit=5&repo=${repo}`, {
    headers: { 'x-api-key': key },
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`activity answered ${response.status}: ${text.slice(0, 300)}`);
  return {
    ms,
    upstream: Number(response.headers.get('x-github-requests')),
    notModified: Number(response.headers.get('x-github-not-modified')),
  };
}

function report(label: string, samples: Sample[], github: { before: number; after: number }): void {
  const ms = samples.map((s) => s.ms);
  const upstream = samples.reduce((a, s) => a + s.upstream, 0) / samples.length;
  const notModified = samples.reduce((a, s) => a + s.notModified, 0) / samples.length;
  const served = (github.after - github.before) / samples.length;
  console.log(
    `  ${label.padEnd(18)} p50 ${fmt(median(ms)).padStart(9)}  p99 ${fmt(percentile(ms, 99)).padStart(9)}  ` +
      `upstream requests/call ${upstream.toFixed(1)} (304: ${notModified.toFixed(1)}; GitHub server saw ${served.toFixed(1)})`,
  );
}

async function benchBackend(name: string, github: GitHubStandIn, backendVars: Record<string, string>): Promise<void> {
  const key = `bench-gpt-${crypto.randomUUID()}`;
  const repos = (prefix: string) => Array.from({ length: ROUNDS + WARMUP }, (_, i) => `bench/${prefix}-${i}`);
  const common = {
    HEZLEP_API_KEYS: JSON.stringify([{ client: 'gpt', key }]),
    // The GitHub routes never touch the ledger; a syntactically valid URL satisfies config.
    DATABASE_URL: 'postgres://bench:bench@127.0.0.1:9/bench',
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.url,
    GITHUB_REPO: 'bench/default',
    LOG_LEVEL: 'error',
    PROJECT_ID: `bench-${crypto.randomUUID().slice(0, 8)}`,
    ...backendVars,
  };
  console.log(
    `\n/ai/github/activity?limit=5 — cache backend: ${name} (${ROUNDS} calls per state, after ${WARMUP} warm-up)`,
  );

  // Worker A: answer cache off, so the second call per repository is all conditional requests.
  const etagRepos = repos('etag');
  const a = await startWorker({ ...common, GITHUB_CACHE_SECONDS: '0', GITHUB_REPOS: etagRepos.join(',') });
  const cold: Sample[] = [];
  const etag: Sample[] = [];
  try {
    const before = github.requests().total;
    for (const [i, repo] of etagRepos.entries()) {
      const sample = await measure(a, key, repo);
      if (i >= WARMUP) cold.push(sample);
    }
    const middle = github.requests().total;
    for (const [i, repo] of etagRepos.entries()) {
      const sample = await measure(a, key, repo);
      if (i >= WARMUP) etag.push(sample);
    }
    const after = github.requests().total;
    const per = (from: number, to: number) => ({ before: 0, after: ((to - from) / (ROUNDS + WARMUP)) * ROUNDS });
    report('cold', cold, per(before, middle));
    report('warm (ETag 304s)', etag, per(middle, after));
  } finally {
    await a.dispose();
  }

  // Worker B: default answer cache; the second call is served without asking GitHub.
  const hitRepos = repos('hit');
  const b = await startWorker({ ...common, GITHUB_REPOS: hitRepos.join(',') });
  const hits: Sample[] = [];
  try {
    for (const repo of hitRepos) await measure(b, key, repo);
    const before = github.requests().total;
    for (const [i, repo] of hitRepos.entries()) {
      const sample = await measure(b, key, repo);
      if (i >= WARMUP) hits.push(sample);
    }
    const after = github.requests().total;
    report('warm (answer hit)', hits, { before: 0, after: ((after - before) / (ROUNDS + WARMUP)) * ROUNDS });
  } finally {
    await b.dispose();
  }
  const c = median(cold.map((s) => s.ms));
  console.log(
    `  ratio cold/ETag ${(c / median(etag.map((s) => s.ms))).toFixed(1)}x, cold/answer-hit ${(c / median(hits.map((s) => s.ms))).toFixed(1)}x`,
  );
}

export async function run(): Promise<void> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  process.env.WRANGLER_SEND_METRICS = 'false';
  const github = await startGitHubStandIn();
  const stops: (() => Promise<void>)[] = [() => github.stop()];
  try {
    await benchBackend('durable-object', github, {});
    const redis = await startRedisServer();
    if (redis) {
      stops.push(() => redis.stop());
      const upstash = await startUpstashRestServer({ redis, token: `bench-${crypto.randomUUID()}` });
      stops.push(() => upstash.stop());
      await benchBackend('upstash (local REST bridge over redis-server)', github, {
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
      });
    } else {
      console.log('\nSKIPPED the Upstash backend: no redis-server binary.');
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
