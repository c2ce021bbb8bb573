import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument, startCodeIndexHarness, type CodeIndexHarness } from './code-index-harness';
import { FileBm25 } from './eval/bm25';
import { deriveCommitQueries, type QueryCase } from './eval/commit-queries';
import { indexedFiles } from './eval/indexed-files';
import { figures, firstRelevantRank, percentile, type RetrievalFigures } from './eval/metrics';

/** Results requested per query (the route's maximum). */
const K = 20;

interface Target {
  repo: string;
  /** A query file ({ queries: [...] }); without one, queries are derived from the repository's history. */
  queries?: string;
}

export interface RepoEvaluation {
  name: string;
  commit: string;
  files: number;
  chunks: number;
  queries: number;
  search: RetrievalFigures;
  bm25: RetrievalFigures;
  latency: { p50: number; p99: number };
  indexSeconds: number;
  /** Figures of each ablation variant, by name. */
  variants: Record<string, RetrievalFigures>;
}

/**
 * The time split: one second before the committer date of the oldest query commit, so no query's
 * own commit (nor any later one) is in the history field it is measured with. Null without commits.
 */
export function historyCutoff(
  repoDir: string,
  queries: QueryCase[],
): { until: string; oldest: string; commits: number } | null {
  const shas = [...new Set(queries.flatMap((item) => (item.commit ? [item.commit] : [])))];
  if (!shas.length) return null;
  const times = execFileSync('git', ['-C', repoDir, 'show', '-s', '--format=%ct', ...shas], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number);
  const oldest = Math.min(...times);
  return {
    until: new Date((oldest - 1) * 1000).toISOString(),
    oldest: new Date(oldest * 1000).toISOString(),
    commits: shas.length,
  };
}

/** `--repo a [--queries qa.json] --repo b …` in order; no --repo means this repository and its hand-written set. */
function targets(argv: string[]): Target[] {
  const out: Target[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--repo') out.push({ repo: argv[++i]! });
    else if (argv[i] === '--queries') {
      if (!out.length) out.push({ repo: '.' });
      out[out.length - 1]!.queries = argv[++i];
    }
  }
  return out.length ? out : [{ repo: '.', queries: 'test/eval/queries.json' }];
}

const f3 = (value: number) => value.toFixed(3);

/** A ranking variant to compare on the same index: a name and its SEARCH_WEIGHTS overrides. */
interface Variant {
  name: string;
  weights: string;
}

async function evaluate(target: Target, showMisses: boolean, variants: Variant[]): Promise<RepoEvaluation> {
  const repoDir = resolve(target.repo);
  const name = basename(repoDir);
  const state = {
    dir: mkdtempSync(join(tmpdir(), 'hezlep-eval-state-')),
    projectId: `eval-${Date.now().toString(36)}`,
  };
  // The questions first: the index may read only history older than the oldest of them (a time split).
  const head = execFileSync('git', ['-C', repoDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const all: QueryCase[] = target.queries
    ? (JSON.parse(readFileSync(target.queries, 'utf8')) as { queries: QueryCase[] }).queries
    : deriveCommitQueries(repoDir, { commit: head });
  const split = historyCutoff(repoDir, all);
  const vars = { INDEX_HISTORY_PER_RUN: '100000', ...(split ? { INDEX_HISTORY_UNTIL: split.until } : {}) };
  const harness = await startCodeIndexHarness({ repoDir, state, vars });
  try {
    const started = performance.now();
    const status = await harness.reindex();
    const indexSeconds = (performance.now() - started) / 1000;
    if (status.lastRun?.outcome === 'failed') throw new Error(`index run failed: ${status.lastRun.error}`);
    console.log(
      `\n== ${name} @ ${harness.commit.slice(0, 12)}: indexed ${status.files} files, ${status.chunks} chunks in ${indexSeconds.toFixed(1)} s`,
    );

    // The baseline sees exactly the files the index holds.
    const files = indexedFiles(repoDir, harness.commit);
    if (files.length !== status.files)
      console.log(`  note: the baseline reads ${files.length} files, the index holds ${status.files}`);
    const held = new Set(files.map((file) => file.path));
    const bm25 = new FileBm25();
    for (const file of files) bm25.add(file.path, file.text);

    console.log(
      split
        ? `  temporal split: the history field reads only commits before ${split.until} (the oldest of ${split.commits} query commits, ${split.oldest}); ${status.history.commits} commits read`
        : `  temporal split: none needed (no query names its commit); ${status.history.commits} commits read`,
    );
    const queries = all
      .map((item) => ({ ...item, relevant: item.relevant.filter((path) => held.has(path)) }))
      .filter((item) => item.relevant.length);
    if (queries.length < all.length)
      console.log(`  ${all.length - queries.length} queries dropped: none of their files is indexed`);

    const bm25Ranks = queries.map((item) => firstRelevantRank(bm25.search(item.query, K), item.relevant));
    const ask = async (h: CodeIndexHarness) => {
      const ranks: number[] = [];
      const latencies: number[] = [];
      const misses: string[] = [];
      for (const [i, item] of queries.entries()) {
        const asked = performance.now();
        const result = await h.request('GET', `/ai/search?q=${encodeURIComponent(item.query.slice(0, 500))}&k=${K}`);
        latencies.push(performance.now() - asked);
        if (result.status !== 200) throw new Error(`search failed: ${result.status} ${JSON.stringify(result.body)}`);
        const paths = (result.body.results as { path: string }[]).map((hit) => hit.path);
        const rank = firstRelevantRank(paths, item.relevant);
        ranks.push(rank);
        if (rank === 0 || rank > 5)
          misses.push(
            `  rank ${rank || `>${K}`} (bm25 ${bm25Ranks[i] || `>${K}`}): "${item.query}" want ${item.relevant.join(', ')} → top: ${[...new Set(paths)].slice(0, 3).join(', ')}`,
          );
      }
      return { ranks, latencies, misses };
    };
    const { ranks: searchRanks, latencies, misses } = await ask(harness);
    const evaluation: RepoEvaluation = {
      name,
      commit: harness.commit.slice(0, 12),
      files: status.files,
      chunks: status.chunks,
      queries: queries.length,
      search: figures(searchRanks),
      bm25: figures(bm25Ranks),
      latency: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      indexSeconds,
      variants: {},
    };
    console.log(`  queries ${queries.length}        recall@1  recall@5  recall@10  MRR`);
    for (const [label, f] of [
      ['/ai/search', evaluation.search],
      ['file BM25 ', evaluation.bm25],
    ] as const) {
      console.log(
        `  ${label}              ${f3(f.recall1)}     ${f3(f.recall5)}     ${f3(f.recall10)}      ${f3(f.mrr)}`,
      );
    }
    console.log(
      `  search latency at ${status.chunks} chunks (k=${K}, ${latencies.length} searches through the Worker, the GitHub head lookup included; the index already built): p50 ${evaluation.latency.p50.toFixed(1)} ms, p99 ${evaluation.latency.p99.toFixed(1)} ms`,
    );
    if (showMisses && misses.length) console.log(`  outside the top 5:\n${misses.join('\n')}`);
    await harness.stop();
    // Ablations: the same index, the Worker restarted with other ranking weights.
    for (const variant of variants) {
      const again = await startCodeIndexHarness({ repoDir, state, vars: { ...vars, SEARCH_WEIGHTS: variant.weights } });
      try {
        await again.reindex();
        const f = figures((await ask(again)).ranks);
        evaluation.variants[variant.name] = f;
        console.log(
          `  variant ${variant.name.padEnd(18)} ${f3(f.recall1)}     ${f3(f.recall5)}     ${f3(f.recall10)}      ${f3(f.mrr)}   (${variant.weights})`,
        );
      } finally {
        await again.stop();
      }
    }
    return evaluation;
  } finally {
    await harness.stop();
    rmSync(state.dir, { recursive: true, force: true });
  }
}

/**
 * `npm run eval:search -- --repo <git checkout> [--queries <file.json>] [--repo … ] [--misses] [--out <file.json>]
 *  [--variant <name>=<SEARCH_WEIGHTS json> …]`:
 * for each repository in turn, index it through the real pipeline (Worker, Durable Object, local
 * GitHub stand-in; a detached HEAD works), then print file-level recall@1/5/10 and MRR of
 * /ai/search beside a plain file-level BM25 over the same files, and search latency. Without
 * --queries, the questions come from the repository's history (see eval:commits). Each --variant
 * re-asks the same questions of the same index with other ranking weights (an ablation).
 */
export async function run(): Promise<void> {
  const results: RepoEvaluation[] = [];
  const argv = process.argv.slice(2);
  const variants: Variant[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--variant') continue;
    const spec = argv[++i]!;
    const at = spec.indexOf('=');
    variants.push({ name: spec.slice(0, at), weights: spec.slice(at + 1) });
  }
  for (const target of targets(argv)) results.push(await evaluate(target, argv.includes('--misses'), variants));
  console.log(
    '\n| repository @ commit | files | chunks | queries | /ai/search R@1 / R@5 / R@10 / MRR | BM25 R@1 / R@5 / R@10 / MRR | Δ R@5 | Δ MRR | p50 / p99 ms |',
  );
  console.log('|---|---:|---:|---:|---|---|---:|---:|---|');
  for (const r of results) {
    const s = r.search;
    const b = r.bm25;
    console.log(
      `| ${r.name} @ ${r.commit} | ${r.files} | ${r.chunks} | ${r.queries} | ${f3(s.recall1)} / ${f3(s.recall5)} / ${f3(s.recall10)} / ${f3(s.mrr)} | ${f3(b.recall1)} / ${f3(b.recall5)} / ${f3(b.recall10)} / ${f3(b.mrr)} | ${(s.recall5 - b.recall5).toFixed(3)} | ${(s.mrr - b.mrr).toFixed(3)} | ${r.latency.p50.toFixed(0)} / ${r.latency.p99.toFixed(0)} |`,
    );
  }
  if (results.length > 1) {
    const mean = (pick: (r: RepoEvaluation) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
    console.log(
      `mean over ${results.length}: /ai/search R@5 ${f3(mean((r) => r.search.recall5))} MRR ${f3(mean((r) => r.search.mrr))}; BM25 R@5 ${f3(mean((r) => r.bm25.recall5))} MRR ${f3(mean((r) => r.bm25.mrr))}; margin R@5 ${f3(mean((r) => r.search.recall5 - r.bm25.recall5))}`,
    );
  }
  const out = argument('out');
  if (out) writeFileSync(out, `${JSON.stringify({ results }, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
