import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument, startCodeIndexHarness, type CodeIndexHarness } from './code-index-harness';
import { checkOptions } from './cli-options';
import { FileBm25 } from './eval/bm25';
import { chunkingLine } from './eval/chunking';
import { deriveQuestionSets, type QueryCase, type QuestionSets, ROLE_OF_KIND } from './eval/commit-queries';
import { indexedFiles } from './eval/indexed-files';
import { isCodeFile, type QuestionKind } from './eval/subjects';
import { figures, firstRelevantRank, percentile } from './eval/metrics';
import { dumpMismatches, type ListsAnswer } from './eval/search-dump';
import { SearchDumpWriter } from './eval/search-dump-writer';
import { f3, figuresLine, type RepoEvaluation, type RoleKind, roleLines, summaryTables } from './eval/search-report';
import { historyCutoff } from './eval/time-split';
import { pathRole } from '../code-index/ranking/path-prior';

export type { RepoEvaluation } from './eval/search-report';

/** Results requested per query (the route's maximum). */
const K = 20;

interface Target {
  repo: string;
  /** A query file ({ queries: [...] }); without one, queries are derived from the repository's history. */
  queries?: string;
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

/** A ranking variant to compare on the same index: a name and its SEARCH_WEIGHTS overrides. */
interface Variant {
  name: string;
  weights: string;
}

/** One question set of a repository and its baselines' ranks, computed before any Worker starts. */
interface AskedSet {
  kind: QuestionKind;
  queries: QueryCase[];
  bm25Ranks: number[];
  codeBm25Ranks: number[];
  /** Role sets: BM25 over that role's files only. */
  roleBm25Ranks: number[];
}

/** The questions of one repository (code first, then docs and tests) and the baselines' ranks. */
interface Prepared {
  commit: string;
  files: number;
  /** Every set, including empty role sets (the time split reads them all). */
  sets: AskedSet[];
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
  const derived: QuestionSets = target.queries
    ? {
        code: (JSON.parse(readFileSync(target.queries, 'utf8')) as { queries: QueryCase[] }).queries,
        docs: [],
        tests: [],
      }
    : await deriveQuestionSets(repoDir, { commit });
  const all = derived.code;
  console.log(
    `  ${all.length} questions ${target.queries ? `from ${target.queries}` : 'from the history'} (${seconds()})`,
  );
  if (!target.queries)
    console.log(
      `  role questions from the same commits: ${derived.docs.length} docs, ${derived.tests.length} tests (every changed file docs, or tests, by pathRole)`,
    );
  t = performance.now();
  // The baselines see exactly the files the index will hold; "code files only" leaves out tests, docs, examples, ….
  const files = indexedFiles(repoDir, commit);
  const held = new Set(files.map((file) => file.path));
  const bm25 = new FileBm25();
  const codeBm25 = new FileBm25();
  const roleBm25: Record<RoleKind, FileBm25> = { docs: new FileBm25(), tests: new FileBm25() };
  for (const file of files) {
    bm25.add(file.path, file.text);
    if (isCodeFile(file.path)) codeBm25.add(file.path, file.text);
    const role = pathRole(file.path);
    for (const kind of ['docs', 'tests'] as const)
      if (role === ROLE_OF_KIND[kind] && derived[kind].length) roleBm25[kind].add(file.path, file.text);
  }
  console.log(
    `  baselines: BM25 over ${bm25.size} files, BM25 over ${codeBm25.size} code files (read and indexed in ${seconds()})`,
  );
  if (!target.queries)
    console.log(
      `  role baselines: BM25 over ${roleBm25.docs.size} docs files, BM25 over ${roleBm25.tests.size} test files`,
    );
  t = performance.now();
  const sets = (['code', 'docs', 'tests'] as const).map((kind): AskedSet => {
    const asked = derived[kind]
      .map((item) => ({ ...item, relevant: item.relevant.filter((path) => held.has(path)) }))
      .filter((item) => item.relevant.length);
    if (asked.length < derived[kind].length)
      console.log(
        `  ${derived[kind].length - asked.length} ${kind === 'code' ? 'queries' : `${kind} questions`} dropped: none of their files is indexed`,
      );
    const ranks = (index: FileBm25) =>
      asked.map((item) => firstRelevantRank(index.search(item.query, K), item.relevant));
    return {
      kind,
      queries: asked,
      bm25Ranks: ranks(bm25),
      codeBm25Ranks: ranks(codeBm25),
      roleBm25Ranks: kind === 'code' ? [] : ranks(roleBm25[kind]),
    };
  });
  const asked = sets.reduce((sum, set) => sum + set.queries.length, 0);
  console.log(`  baselines asked ${asked} questions (${seconds()})`);
  return { commit, files: files.length, sets };
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

/** Asks one question set of a running Worker; with a dump writer, also its candidate lists. */
async function askSet(h: CodeIndexHarness, set: AskedSet, dump?: SearchDumpWriter) {
  const ranks: number[] = [];
  const latencies: number[] = [];
  const misses: string[] = [];
  const { queries, bm25Ranks, codeBm25Ranks, roleBm25Ranks, kind } = set;
  const noun = kind === 'code' ? 'questions' : `${kind} questions`;
  for (const [i, item] of queries.entries()) {
    if (i && i % 50 === 0) console.log(`  ${i}/${queries.length} ${noun} asked`);
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
      const role = kind === 'code' ? undefined : { kind, roleBm25Rank: roleBm25Ranks[i]! };
      dump.add(item, { searchRank: rank, returnedFiles, ...baselines }, lists.body as ListsAnswer, role);
    }
    const third =
      kind === 'code' ? `code files ${codeBm25Ranks[i] || `>${K}`}` : `${kind} files ${roleBm25Ranks[i] || `>${K}`}`;
    if (rank === 0 || rank > 5)
      misses.push(
        `  rank ${rank || `>${K}`} (bm25 ${bm25Ranks[i] || `>${K}`}, ${third}): "${item.query}" want ${item.relevant.join(', ')} → top: ${[...new Set(paths)].slice(0, 3).join(', ')}`,
      );
  }
  return { ranks, latencies, misses };
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
  const { commit, files, sets } = await prepare(target, repoDir);
  const [code, ...roleSets] = sets as [AskedSet, ...AskedSet[]];
  const askedRoles = roleSets.filter((set) => set.queries.length);
  const state = {
    dir: mkdtempSync(join(tmpdir(), 'hezlep-eval-state-')),
    projectId: `eval-${Date.now().toString(36)}`,
  };
  // A time split: the history field may read only commits older than the oldest question's, of any set.
  const split = historyCutoff(repoDir, Object.fromEntries(sets.map((set) => [set.kind, set.queries])));
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
    const oldestOf = split
      ? Object.entries(split.byKind)
          .map(([kind, date]) => `${kind} ${date}`)
          .join(', ')
      : '';
    console.log(
      split
        ? `  temporal split: the history field reads only commits before ${split.until} (the oldest of ${split.commits} query commits is ${split.oldest}; oldest by set: ${oldestOf}); ${status.history.commits} commits read`
        : `  temporal split: none needed (no question names its commit); ${status.history.commits} commits read`,
    );

    const dump = dumpDir ? new SearchDumpWriter() : undefined;
    const { ranks: searchRanks, latencies, misses } = await askSet(harness, code, dump);
    // The role questions, after the code questions, of the same Worker and index.
    const roleAnswers = [];
    for (const set of askedRoles) roleAnswers.push({ set, ...(await askSet(harness, set, dump)) });
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
      queries: code.queries.length,
      search: figures(searchRanks),
      bm25: figures(code.bm25Ranks),
      codeBm25: figures(code.codeBm25Ranks),
      latency: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      indexSeconds,
      variants: {},
      roles: {},
    };
    console.log(`  queries ${code.queries.length}        recall@1  recall@5  recall@10  MRR`);
    console.log(figuresLine('/ai/search', evaluation.search));
    console.log(figuresLine('BM25, all files ', evaluation.bm25));
    console.log(figuresLine('BM25, code files', evaluation.codeBm25));
    console.log(
      `  search latency at ${status.chunks} chunks (k=${K}, ${latencies.length} searches through the Worker, the GitHub head lookup included; the index already built): p50 ${evaluation.latency.p50.toFixed(1)} ms, p99 ${evaluation.latency.p99.toFixed(1)} ms`,
    );
    if (showMisses && misses.length) console.log(`  outside the top 5:\n${misses.join('\n')}`);
    for (const { set, ranks, misses: roleMisses } of roleAnswers) {
      const kind = set.kind as RoleKind;
      evaluation.roles[kind] = {
        queries: set.queries.length,
        search: figures(ranks),
        bm25: figures(set.bm25Ranks),
        roleBm25: figures(set.roleBm25Ranks),
        variants: {},
      };
      console.log(roleLines(kind, evaluation.roles[kind]!));
      if (showMisses && roleMisses.length) console.log(`  ${kind} outside the top 5:\n${roleMisses.join('\n')}`);
    }
    await harness.stop();
    // Ablations: the same index, the Worker restarted with other ranking weights; every set asked again.
    for (const variant of variants) {
      const again = await startCodeIndexHarness({ repoDir, state, vars: { ...vars, SEARCH_WEIGHTS: variant.weights } });
      try {
        await again.reindex(minutes);
        const f = figures((await askSet(again, code)).ranks);
        evaluation.variants[variant.name] = f;
        const line = (label: string, g: typeof f) =>
          `  variant ${label.padEnd(18)} ${f3(g.recall1)}     ${f3(g.recall5)}     ${f3(g.recall10)}      ${f3(g.mrr)}`;
        console.log(`${line(variant.name, f)}   (${variant.weights})`);
        for (const set of askedRoles) {
          const kind = set.kind as RoleKind;
          const g = figures((await askSet(again, set)).ranks);
          evaluation.roles[kind]!.variants[variant.name] = g;
          console.log(line(`${variant.name}, ${kind}`, g));
        }
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
 * History-derived runs also ask the role questions (docs and tests: deriveQuestionSets) after the code
 * questions, of the same index and every variant, each set in its own table beside BM25 over all files
 * and over that role's files only; --out and --dump include them (dumped with `kind`).
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
  console.log(summaryTables(results));
  const out = argument('out');
  if (out) writeFileSync(out, `${JSON.stringify({ results }, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
