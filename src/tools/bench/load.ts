import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  name: string;
  url: string;
  method?: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  /** Seconds; the run is bounded in time. */
  duration?: number;
}

/** One bounded load run on loopback; figures are medians/percentiles from autocannon's histogram. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 8,
    duration: options.duration ?? 5,
  });
  return {
    name: options.name,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function printTable(title: string, rows: LoadResult[]): void {
  console.log(`\n${title}`);
  console.log('| case | requests | req/s | p50 ms | p99 ms | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.name} | ${r.requests} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
}

export interface Timing {
  count: number;
  failed: number;
  p50: number;
  p99: number;
  perSecond: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * `concurrency` workers call `op` back to back until `total` calls were made; each call's latency
 * is recorded. A call that throws counts as failed (its latency is not sampled).
 */
export async function measure(
  op: () => Promise<unknown>,
  options: { total: number; concurrency: number },
): Promise<Timing> {
  const samples: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.total) {
      next++;
      const t = performance.now();
      try {
        await op();
        samples.push(performance.now() - t);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wall = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    count: samples.length,
    failed,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    perSecond: Math.round((samples.length / wall) * 1000),
  };
}

/** Sequential writes next to sequential reads (the ratio), then write throughput at 1, 8 and 32 concurrent writers. */
export async function writeReadReport(
  title: string,
  ops: { write: () => Promise<unknown>; read: () => Promise<unknown> },
  total = 200,
): Promise<number> {
  const write = await measure(ops.write, { total, concurrency: 1 });
  const read = await measure(ops.read, { total, concurrency: 1 });
  // What the same service gives reads at 8 concurrent clients: the ceiling writes at 8 are held against.
  const reads8 = await measure(ops.read, { total: total * 2, concurrency: 8 });
  const rows = [];
  for (const concurrency of [1, 8, 32])
    rows.push({
      concurrency,
      ...(await measure(ops.write, { total: Math.max(total, concurrency * 25), concurrency })),
    });
  const ms = (v: number) => v.toFixed(1);
  console.log(`\n${title}`);
  console.log(
    `sequential: write p50 ${ms(write.p50)} ms p99 ${ms(write.p99)} ms | read p50 ${ms(read.p50)} ms p99 ${ms(read.p99)} ms | write/read p50 ratio ${(write.p50 / read.p50).toFixed(2)}x`,
  );
  console.log(
    `reads at 8 concurrent readers: ${reads8.perSecond}/s p50 ${ms(reads8.p50)} ms p99 ${ms(reads8.p99)} ms (${reads8.failed} failed)`,
  );
  console.log('| concurrent writers | writes | failed | writes/s | p50 ms | p99 ms |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.concurrency} | ${r.count} | ${r.failed} | ${r.perSecond} | ${ms(r.p50)} | ${ms(r.p99)} |`);
  return write.count + rows.reduce((sum, r) => sum + r.count, 0);
}
