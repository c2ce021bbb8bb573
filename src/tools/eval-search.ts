import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument, startCodeIndexHarness, type CodeIndexHarness } from './code-index-harness';
import { checkOptions } from './cli-options';
import { FileBm25 } from './eval/bm25';
import { chunkingLine } from './eval/chunking';
import { deriveCommitQueries, type QueryCase } from './eval/commit-queries';
import { indexedFiles } from './eval/indexed-files';
import { isCodeFile } from './eval/subjects';
import { figures, firstRelevantRank, percentile, type RetrievalFigures } from './eval/metrics';
import { dumpMismatches, type ListsAnswer } from './eval/search-dump';
import { SearchDumpWriter } from './eval/search-dump-writer';

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
  /** Plain file-level BM25 over every indexed file. */
  bm25: RetrievalFigures;
  /** The same BM25 over code files only (`isCodeFile`: no tests, specs, fixtures, docs, examples, benchmarks). */
  codeBm25: RetrievalFigures;
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
const signed = (value: number) => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(3)}`;

/** A ranking variant to compare on the same index: a name and its SEARCH_WEIGHTS overrides. */
interface Variant {
  name: string;
  weights: string;
}

/** The questions of one repository and both baselines' ranks, computed before any Worker starts. */
interface Prepared {
  commit: string;
  files: number;
  queries: QueryCase[];
  bm25Ranks: number[];
  codeBm25Ranks: number[];
}

/**
 * Everything synchronous happens here, before the harness starts: the GitHub stand-in and
 * wrangler's proxy live in this process, and a keep-alive socket left idle for 5 s while this
 * process computes is closed by the local server ("other side closed").
 */
async function prepare(target: Target, repoDir: string): Promise<Prepared> {
  const commit = execFileSync('git', ['-C', repoDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  let t = performance.now();
  const seconds = () => `${((performance.now() - t) / 1000).toFixed(1)} s`;
  const all: QueryCase[] = target.queries
    ? (JSON.parse(readFileSync(target.queries, 'utf8')) as { queries: QueryCase[] }).queries
    : await deriveCommitQueries(repoDir, { commit });
  console.log(
    `  ${all.length} questions ${target.queries ? `from ${target.queries}` : 'from the history'} (${seconds()})`,
  );
  t = performance.now();
  // The baselines see exactly the files the index will hold; "code files only" leaves out tests, docs, examples, ….
  const files = indexedFiles(repoDir, commit);
  const held = new Set(files.map((file) => file.path));
  const bm25 = new FileBm25();
  const codeBm25 = new FileBm25();
  for (const file of files) {
    bm25.add(file.path, file.text);
    if (isCodeFile(file.path)) codeBm25.add(file.path, file.text);
  }
  console.log(
    `  baselines: BM25 over ${bm25.size} files, BM25 over ${codeBm25.size} code files (read and indexed in ${seconds()})`,
  );
  const queries = all
    .map((item) => ({ ...item, relevant: item.relevant.filter((path) => held.has(path)) }))
    .filter((item) => item.relevant.length);
  if (queries.length < all.length)
    console.log(`  ${all.length - queries.length} queries dropped: none of their files is indexed`);
  t = performance.now();
  const bm25Ranks = queries.map((item) => firstRelevantRank(bm25.search(item.query, K), item.relevant));
  const codeBm25Ranks = queries.map((item) => firstRelevantRank(codeBm25.search(item.query, K), item.relevant));
  console.log(`  baselines asked ${queries.length} questions (${seconds()})`);
  return { commit, files: files.length, queries, bm25Ranks, codeBm25Ranks };
}

/** Prints the run's progress every 15 s while the index is built. */
function progressPrinter(
  started: number,
): (status: { running?: { phase: string; filesDone: number; filesPlanned: number } | null }) => void {
  let last = started;
  return (status) => {
    const running = status?.running;
    const now = performance.now();
    if (!running || now - last < 15_000) return;
    last = now;
    console.log(
      `  ${((now - started) / 1000).toFixed(0)} s: ${running.phase} ${running.filesDone}/${running.filesPlanned} files`,
    );
  };
}

async function evaluate(
  target: Target,
  showMisses: boolean,
  variants: Variant[],
  minutes: number,
  /** Where to write the repository's candidate lists (--dump), if anywhere. */
  dumpDir?: string,
): Promise<RepoEvaluation> {
  const repoDir = resolve(target.repo);
  const name = basename(repoDir);
  console.log(`\n== ${name}`);
  const { commit, files, queries, bm25Ranks, codeBm25Ranks } = await prepare(target, repoDir);
  const state = {
    dir: mkdtempSync(join(tmpdir(), 'hezlep-eval-state-')),
    projectId: `eval-${Date.now().toString(36)}`,
  };
  // A time split: the history field may read only commits older than the oldest question's.
  const split = historyCutoff(repoDir, queries);
  const vars = {
    INDEX_HISTORY_PER_RUN: '100000',
    ...(split ? { INDEX_HISTORY_UNTIL: split.until } : {}),
    ...(dumpDir ? { EVAL_SEARCH_LISTS: '1' } : {}),
  };
  const harness = await startCodeIndexHarness({ repoDir, state, vars });
  try {
    if (harness.commit !== commit) throw new Error(`${repoDir} moved from ${commit} to ${harness.commit}`);
    const started = performance.now();
    harness.onPoll = progressPrinter(started);
    const status = await harness.reindex(minutes);
    const indexSeconds = (performance.now() - started) / 1000;
    if (status.lastRun?.outcome === 'failed') throw new Error(`index run failed: ${status.lastRun.error}`);
    console.log(
      `  @ ${harness.commit.slice(0, 12)}: indexed ${status.files} files, ${status.chunks} chunks in ${indexSeconds.toFixed(1)} s`,
    );
    if (files !== status.files)
      console.log(`  note: the baselines read ${files} files, the index holds ${status.files}`);
    console.log(chunkingLine(status.lastRun?.stats?.chunking));
    console.log(
      split
        ? `  temporal split: the history field reads only commits before ${split.until} (the oldest of ${split.commits} query commits is ${split.oldest}); ${status.history.commits} commits read`
        : `  temporal split: none needed (no question names its commit); ${status.history.commits} commits read`,
    );

    const ask = async (h: CodeIndexHarness, dump?: SearchDumpWriter) => {
      const ranks: number[] = [];
      const latencies: number[] = [];
      const misses: string[] = [];
      for (const [i, item] of queries.entries()) {
        if (i && i % 50 === 0) console.log(`  ${i}/${queries.length} questions asked`);
        const asked = performance.now();
        const result = await h.request('GET', `/ai/search?q=${encodeURIComponent(item.query.slice(0, 500))}&k=${K}`);
        latencies.push(performance.now() - asked);
        if (result.status !== 200) throw new Error(`search failed: ${result.status} ${JSON.stringify(result.body)}`);
        const paths = (result.body.results as { path: string }[]).map((hit) => hit.path);
        const rank = firstRelevantRank(paths, item.relevant);
        ranks.push(rank);
        if (dump) {
          const lists = await h.request('GET', `/ai/search/lists?q=${encodeURIComponent(item.query.slice(0, 500))}`);
          if (lists.status !== 200) throw new Error(`lists failed: ${lists.status} ${JSON.stringify(lists.body)}`);
          const returnedFiles = new Set(paths).size;
          const baselines = { bm25Rank: bm25Ranks[i]!, codeBm25Rank: codeBm25Ranks[i]! };
          dump.add(item, { searchRank: rank, returnedFiles, ...baselines }, lists.body as ListsAnswer);
        }
        if (rank === 0 || rank > 5)
          misses.push(
            `  rank ${rank || `>${K}`} (bm25 ${bm25Ranks[i] || `>${K}`}, code files ${codeBm25Ranks[i] || `>${K}`}): "${item.query}" want ${item.relevant.join(', ')} → top: ${[...new Set(paths)].slice(0, 3).join(', ')}`,
          );
      }
      return { ranks, latencies, misses };
    };
    const dump = dumpDir ? new SearchDumpWriter() : undefined;
    const { ranks: searchRanks, latencies, misses } = await ask(harness, dump);
    if (dump && dumpDir) {
      const until = split?.until ?? null;
      const written = dump.write(dumpDir, {
        name,
        commit: harness.commit,
        files: status.files,
        chunks: status.chunks,
        until,
      });
      console.log(
        `  dump: ${written.path}, ${dumpMismatches(written.dump).length} questions reproduced differently offline`,
      );
    }
    const evaluation: RepoEvaluation = {
      name,
      commit: harness.commit.slice(0, 12),
      files: status.files,
      chunks: status.chunks,
      queries: queries.length,
      search: figures(searchRanks),
      bm25: figures(bm25Ranks),
      codeBm25: figures(codeBm25Ranks),
      latency: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      indexSeconds,
      variants: {},
    };
    console.log(`  queries ${queries.length}        recall@1  recall@5  recall@10  MRR`);
    for (const [label, f] of [
      ['/ai/search', evaluation.search],
      ['BM25, all files ', evaluation.bm25],
      ['BM25, code files', evaluation.codeBm25],
    ] as const) {
      console.log(`  ${label.padEnd(24)}${f3(f.recall1)}     ${f3(f.recall5)}     ${f3(f.recall10)}      ${f3(f.mrr)}`);
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
        await again.reindex(minutes);
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

const EVAL_SEARCH_OPTIONS = {
  usage: `npm run eval:search -- --repo <git checkout> [--queries <file.json>] [--repo <checkout> [--queries …] …]
  [--minutes 30] [--misses] [--out <file.json>] [--variant '<name>=<SEARCH_WEIGHTS json>' …] [--dump <dir>]
Without --repo: the project's own smoke set (test/eval/queries.json) on this checkout.`,
  values: ['repo', 'queries', 'minutes', 'out', 'variant', 'dump'],
  numbers: ['minutes'],
  flags: ['misses'],
};

/**
 * `npm run eval:search -- --repo <git checkout> [--queries <file.json>] [--repo … ] [--misses] [--out <file.json>]
 *  [--variant <name>=<SEARCH_WEIGHTS json> …] [--dump <dir>]`:
 * for each repository in turn, index it through the real pipeline (Worker, Durable Object, local
 * GitHub stand-in; a detached HEAD works), then print file-level recall@1/5/10 and MRR of
 * /ai/search beside two plain file-level BM25 baselines (over every indexed file, and over code
 * files only), and search latency. The questions and baselines are computed before the Worker
 * starts; `--minutes` bounds each index run (30). Without
 * --queries, the questions come from the repository's history (see eval:commits). Each --variant
 * re-asks the same questions of the same index with other ranking weights (an ablation). --dump writes
 * each repository's candidate lists per question to <dir>/<name>.json (src/tools/eval/search-dump.ts).
 */
export async function run(): Promise<void> {
  checkOptions(EVAL_SEARCH_OPTIONS);
  const results: RepoEvaluation[] = [];
  const argv = process.argv.slice(2);
  const variants: Variant[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--variant') continue;
    const spec = argv[++i]!;
    const at = spec.indexOf('=');
    variants.push({ name: spec.slice(0, at), weights: spec.slice(at + 1) });
  }
  const minutes = Number(argument('minutes') ?? 30);
  for (const target of targets(argv))
    results.push(await evaluate(target, argv.includes('--misses'), variants, minutes, argument('dump')));
  console.log(
    '\n| repository @ commit | files | chunks | queries | /ai/search R@1 / R@5 / R@10 / MRR | BM25 all files R@1 / R@5 / R@10 / MRR | BM25 code files R@1 / R@5 / R@10 / MRR | Δ R@5 / MRR vs all | Δ R@5 / MRR vs code | p50 / p99 ms |',
  );
  console.log('|---|---:|---:|---:|---|---|---|---|---|---|');
  const row = (f: RetrievalFigures) => `${f3(f.recall1)} / ${f3(f.recall5)} / ${f3(f.recall10)} / ${f3(f.mrr)}`;
  const delta = (s: RetrievalFigures, b: RetrievalFigures) =>
    `${signed(s.recall5 - b.recall5)} / ${signed(s.mrr - b.mrr)}`;
  for (const r of results) {
    console.log(
      `| ${r.name} @ ${r.commit} | ${r.files} | ${r.chunks} | ${r.queries} | ${row(r.search)} | ${row(r.bm25)} | ${row(r.codeBm25)} | ${delta(r.search, r.bm25)} | ${delta(r.search, r.codeBm25)} | ${r.latency.p50.toFixed(0)} / ${r.latency.p99.toFixed(0)} |`,
    );
  }
  if (results.length > 1) {
    const mean = (pick: (r: RepoEvaluation) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
    const meanOf = (pick: (r: RepoEvaluation) => RetrievalFigures): RetrievalFigures => ({
      queries: mean((r) => pick(r).queries),
      recall1: mean((r) => pick(r).recall1),
      recall5: mean((r) => pick(r).recall5),
      recall10: mean((r) => pick(r).recall10),
      mrr: mean((r) => pick(r).mrr),
    });
    const s = meanOf((r) => r.search);
    const b = meanOf((r) => r.bm25);
    const c = meanOf((r) => r.codeBm25);
    console.log(
      `| mean of ${results.length} | | | | ${row(s)} | ${row(b)} | ${row(c)} | ${delta(s, b)} | ${delta(s, c)} | |`,
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
