import http from 'node:http';
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
  /** Every call that succeeded, warm-up included (what the service acknowledged). */
  succeeded: number;
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
 * Sustained throughput: `concurrency` workers call `op` back to back for `warmupSeconds` (JIT, pools and
 * batches settle; not sampled), then for `seconds`, when calls that start and end inside the window are sampled.
 */
export async function sustain(
  op: () => Promise<unknown>,
  options: { concurrency: number; seconds: number; warmupSeconds: number },
): Promise<Timing> {
  const samples: number[] = [];
  let succeeded = 0;
  let failed = 0;
  const from = performance.now() + options.warmupSeconds * 1000;
  const until = from + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        await op();
        succeeded++;
        const end = performance.now();
        if (t >= from && end <= until) samples.push(end - t);
      } catch {
        if (t >= from) failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return timing(samples, { succeeded, failed, seconds: options.seconds });
}

function timing(samples: number[], run: { succeeded: number; failed: number; seconds: number }): Timing {
  samples.sort((a, b) => a - b);
  return {
    count: samples.length,
    succeeded: run.succeeded,
    failed: run.failed,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    perSecond: Math.round(samples.length / run.seconds),
  };
}

/**
 * One writer and one reader taking turns, `total` calls each: both see the same moments of a shared,
 * noisy machine, so the ratio of their medians is fair.
 */
async function alternate(
  ops: { write: () => Promise<unknown>; read: () => Promise<unknown> },
  total: number,
): Promise<{ write: Timing; read: Timing }> {
  const writes: number[] = [];
  const reads: number[] = [];
  let failedWrites = 0;
  let failedReads = 0;
  const started = performance.now();
  const timed = async (op: () => Promise<unknown>, samples: number[]) => {
    const t = performance.now();
    await op();
    samples.push(performance.now() - t);
  };
  for (let i = 0; i < total; i++) {
    await timed(ops.write, writes).catch(() => failedWrites++);
    await timed(ops.read, reads).catch(() => failedReads++);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    write: timing(writes, { succeeded: writes.length, failed: failedWrites, seconds }),
    read: timing(reads, { succeeded: reads.length, failed: failedReads, seconds }),
  };
}

/**
 * Sequential writes next to sequential reads, taking turns (the ratio), then sustained write throughput at 1, 8 and 32
 * concurrent writers (`seconds` each after a second of warm-up), beside reads at 8 concurrent readers.
 */
export async function writeReadReport(
  title: string,
  ops: { write: () => Promise<unknown>; read: () => Promise<unknown> },
  { total = 500, seconds = 5 }: { total?: number; seconds?: number } = {},
): Promise<number> {
  const { write, read } = await alternate(ops, total);
  // What the same service gives reads at 8 concurrent clients: the ceiling writes at 8 are held against.
  const reads8 = await sustain(ops.read, { concurrency: 8, seconds, warmupSeconds: 1 });
  const rows = [];
  for (const concurrency of [1, 8, 32])
    rows.push({ concurrency, ...(await sustain(ops.write, { concurrency, seconds, warmupSeconds: 1 })) });
  const ms = (v: number) => v.toFixed(1);
  console.log(`\n${title} (throughput: ${seconds} s per row after 1 s of warm-up)`);
  console.log(
    `sequential, taking turns: write p50 ${ms(write.p50)} ms p99 ${ms(write.p99)} ms | read p50 ${ms(read.p50)} ms p99 ${ms(read.p99)} ms | write/read p50 ratio ${(write.p50 / read.p50).toFixed(2)}x`,
  );
  console.log(
    `reads at 8 concurrent readers: ${reads8.perSecond}/s p50 ${ms(reads8.p50)} ms p99 ${ms(reads8.p99)} ms (${reads8.failed} failed)`,
  );
  console.log('| concurrent writers | writes | failed | writes/s | p50 ms | p99 ms |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.concurrency} | ${r.count} | ${r.failed} | ${r.perSecond} | ${ms(r.p50)} | ${ms(r.p99)} |`);
  return write.succeeded + rows.reduce((sum, r) => sum + r.succeeded, 0);
}

export interface KeepAliveClient {
  request(method: string, path: string, body?: string): Promise<{ status: number; body: string }>;
  close(): void;
}

/**
 * HTTP/1.1 on kept-alive connections, for load: the generator shares the machine's two cores with the
 * service, and Node's `fetch` spends about a millisecond more of them per request than `node:http`.
 */
export function keepAliveClient(base: string, headers: Record<string, string>): KeepAliveClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(base);
  return {
    request: (method, path, body) =>
      new Promise((resolve, reject) => {
        const sent = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
        const req = http.request({ host: hostname, port, path, method, agent, headers: sent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
