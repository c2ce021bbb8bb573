import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { argument, startCodeIndexHarness } from './code-index-harness';

interface QueryCase {
  query: string;
  relevant: string[];
}

/**
 * `npm run eval:search -- --repo <git repository> --queries <file.json>`: index the repository
 * through the real pipeline (Worker, Durable Object, local GitHub stand-in) and print
 * recall@1/5/10 and MRR at file level (a query counts a hit when any relevant file appears).
 */
export async function run(): Promise<void> {
  const repoDir = argument('repo') ?? '.';
  const queriesPath = argument('queries') ?? 'test/eval/queries.json';
  const { queries } = JSON.parse(readFileSync(queriesPath, 'utf8')) as { queries: QueryCase[] };
  const harness = await startCodeIndexHarness({ repoDir });
  try {
    const started = performance.now();
    const status = await harness.reindex();
    console.log(`indexed ${status.files} files, ${status.chunks} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s (commit ${String(status.indexedCommit).slice(0, 12)})`);
    let r1 = 0;
    let r5 = 0;
    let r10 = 0;
    let reciprocal = 0;
    const misses: string[] = [];
    const latencies: number[] = [];
    for (const item of queries) {
      const asked = performance.now();
      const result = await harness.request('GET', `/ai/search?q=${encodeURIComponent(item.query)}&k=20`);
      latencies.push(performance.now() - asked);
      if (result.status !== 200) throw new Error(`search failed: ${result.status} ${JSON.stringify(result.body)}`);
      // File level: the rank of a file is the rank of its best chunk.
      const files: string[] = [];
      for (const hit of result.body.results as { path: string }[]) if (!files.includes(hit.path)) files.push(hit.path);
      const rank = files.findIndex((path) => item.relevant.includes(path)) + 1;
      if (rank === 1) r1++;
      if (rank >= 1 && rank <= 5) r5++;
      if (rank >= 1 && rank <= 10) r10++;
      if (rank >= 1) reciprocal += 1 / rank;
      if (rank === 0 || rank > 5) misses.push(`  rank ${rank || '>20'}: "${item.query}" → top: ${files.slice(0, 3).join(', ')}`);
    }
    const n = queries.length;
    console.log(`queries: ${n}`);
    console.log(`recall@1  ${(r1 / n).toFixed(3)}`);
    console.log(`recall@5  ${(r5 / n).toFixed(3)}`);
    console.log(`recall@10 ${(r10 / n).toFixed(3)}`);
    console.log(`MRR       ${(reciprocal / n).toFixed(3)}`);
    latencies.sort((a, b) => a - b);
    const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.log(`search latency (k=20, through the Worker, includes the GitHub head lookup): p50 ${pick(0.5).toFixed(1)} ms, p99 ${pick(0.99).toFixed(1)} ms`);
    if (misses.length) console.log(`outside the top 5:\n${misses.join('\n')}`);
  } finally {
    await harness.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
