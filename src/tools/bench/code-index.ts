import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument, startCodeIndexHarness } from '../code-index-harness';
import { checkOptions } from '../cli-options';
import { HeapSampler, type HeapPeak, type HeapUsage, SAMPLE_MS } from './isolate-heap';
import { chunkingLine } from '../eval/chunking';

const GIT = ['-c', 'user.name=Bench', '-c', 'user.email=bench@hezlep.test', '-c', 'commit.gpgsign=false'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A TypeScript file of `functions` distinct functions, each large enough to be its own chunk. */
function generatedFile(file: number, functions: number): string {
  const out: string[] = [];
  for (let f = 0; f < functions; f++) {
    const name = `handle${file}x${f}`;
    out.push(`/** Reconciles ledger entry ${file}.${f} against the account ${f % 7} balance. */`);
    out.push(`export function ${name}(entries: number[], account${f % 7}: string): number {`);
    out.push(`  const total${f} = entries.reduce((sum, value) => sum + value * ${f + 1}, 0);`);
    out.push(`  const label = \`${name}:\${account${f % 7}}:${file % 97}\`;`);
    out.push(`  if (total${f} > ${1000 + file}) console.log(label, 'over limit', total${f});`);
    out.push(`  for (const entry of entries) if (entry < 0) throw new Error(\`negative entry in ${name}\`);`);
    out.push(`  return Math.round(total${f} * ${(file % 13) + 2}) / 100;`);
    out.push('}', '');
  }
  return out.join('\n');
}

/** A git repository of `files` generated files of `functions` functions each, in directories of 100 files. */
function generateRepo(files: number, functions: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'hezlep-bench-gen-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'src', `pkg${String(Math.floor(i / 100)).padStart(4, '0')}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `mod${i}.ts`), generatedFile(i, functions));
  }
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', [...GIT, '-C', dir, 'commit', '-qm', `generated: ${files} files`], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return dir;
}

/** The machine's 1, 5 and 15-minute load averages, as `uptime` prints them. */
const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(', ');

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const peakText = (peak: HeapPeak) =>
  `peak ${MiB(peak.usedBytes)} used (at ${peak.phase || '?'}; ${MiB(peak.totalBytes)} reserved)${peak.combinedBytes === null ? '' : `, heap + array buffers at most ${MiB(peak.combinedBytes)}`}`;
const afterGcText = (usage: HeapUsage) =>
  `after a full GC ${MiB(usage.usedBytes)}${usage.backingBytes === null ? '' : ` + ${MiB(usage.backingBytes)} array buffers`}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * `npm run bench:index -- --chunks 20000 [--dimensions 1536]`: a generated repository of about that
 * many chunks, indexed whole, then searched: workerd's resident memory before and after the searches
 * and its peak, and search latency. `--files 50000` generates that many one-function files instead (in
 * the system's temporary directory, never in the project) and prints, every `--every` seconds (15), the
 * run's progress as `GET /ai/github/index` reports it, the rate since the last line, the batches so far
 * (INDEX_BATCH_FILES with --batch), workerd's memory and how long the status request took; `--minutes`
 * bounds the wait (default 30).
 */
async function runGenerated(): Promise<void> {
  const chunks = argument('chunks');
  const files = Number(argument('files') ?? Math.ceil(Number(chunks) / 10));
  const functions = argument('files') ? 1 : 10;
  const dimensions = argument('dimensions') ?? '384';
  const batch = Number(argument('batch') ?? 40);
  const every = Number(argument('every') ?? 15) * 1000;
  const t0 = performance.now();
  const dir = generateRepo(files, functions);
  console.log(
    `generated ${files} files x ${functions} function(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${dir}; local embedder at ${dimensions} dimensions`,
  );
  let harness: Awaited<ReturnType<typeof startCodeIndexHarness>> | null = null;
  let sampler: HeapSampler | null = null;
  try {
    harness = await startCodeIndexHarness({
      repoDir: dir,
      batchFiles: batch,
      inspect: true,
      vars: { INDEX_LOCAL_DIMENSIONS: dimensions },
    });
    const h = harness;
    const heap = await h.heap();
    sampler = new HeapSampler(heap);
    const wake = () => h.request('GET', '/ai/github/index');
    console.log(`  isolate heap before indexing: ${MiB((await heap.usage()).usedBytes)}`);
    let last = { at: performance.now(), done: 0 };
    let statusMs: number[] = [];
    let descriptorsPeak = h.workerdDescriptors();
    h.onPoll = (status, requestMs) => {
      statusMs.push(requestMs);
      descriptorsPeak = Math.max(descriptorsPeak, h.workerdDescriptors());
      if (sampler)
        sampler.phase = status.running
          ? `${status.running.phase} ${status.running.filesDone}/${status.running.filesPlanned}`
          : 'after the run';
      const running = status.running;
      const now = performance.now();
      if (!running || now - last.at < every) return;
      const rate = (running.filesDone - last.done) / ((now - last.at) / 1000);
      console.log(
        `  ${((now - t1) / 1000).toFixed(0)} s: ${running.phase} ${running.filesDone}/${running.filesPlanned} files (${rate.toFixed(1)} files/s now, eta ${running.etaSeconds ?? '?'} s), ~${Math.ceil(running.filesDone / batch)} batches, attempts ${running.attempts}${running.lastError ? ` lastError ${running.lastError}` : ''}; workerd RSS ${MiB(h.workerdRssBytes())}, peak ${MiB(h.workerdPeakBytes())}, descriptors ${h.workerdDescriptors()}; status request p50 ${percentile(statusMs, 50).toFixed(0)} ms, max ${Math.max(...statusMs).toFixed(0)} ms`,
      );
      last = { at: now, done: running.filesDone };
      statusMs = [];
    };
    const t1 = performance.now();
    const full = await h.reindex(Number(argument('minutes') ?? 30));
    const ms = performance.now() - t1;
    console.log(
      `full index (load average ${loadAverage()}): ${full.files} files, ${full.chunks} chunks, ${full.embedded} embedded, in ${(ms / 1000).toFixed(1)} s = ${(full.files / (ms / 1000)).toFixed(1)} files/s (${full.lastRun.stats.batches} batches, outcome ${full.lastRun.outcome}${full.lastRun.error ? `, error ${full.lastRun.error}` : ''})`,
    );
    const indexingPeak = sampler.takePeak();
    const afterIndex = await heap.usageAfterGc(wake);
    console.log(
      `  isolate heap while indexing: ${peakText(indexingPeak)}; sampled every ${SAMPLE_MS} ms over ${indexingPeak.samples} samples; ${afterGcText(afterIndex)}`,
    );
    console.log(
      `  peak workerd memory while indexing (VmHWM): ${MiB(h.workerdPeakBytes())}; most open descriptors of a workerd process at a status poll: ${descriptorsPeak}`,
    );
    const queries = [
      'reconcile ledger entry balance',
      'negative entry error',
      'over limit total',
      'account label',
      'round total',
    ];
    const rssBefore = h.workerdRssBytes();
    const times: number[] = [];
    const searches = Number(argument('searches') ?? 50);
    for (let i = 0; i < searches; i++) {
      const t = performance.now();
      const result = await h.request('GET', `/ai/search?q=${encodeURIComponent(queries[i % queries.length]!)}&k=8`);
      times.push(performance.now() - t);
      if (result.status !== 200) throw new Error(`search failed: ${result.status} ${JSON.stringify(result.body)}`);
    }
    const rssAfter = h.workerdRssBytes();
    const searchPeak = sampler.takePeak();
    const afterSearch = await heap.usageAfterGc(wake);
    const slowest = times
      .map((ms, i) => ({ ms, i }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map(({ ms, i }) => `#${i + 1} ${ms.toFixed(0)} ms`);
    console.log(
      `search x${searches} over ${full.chunks} chunks: p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms (slowest: ${slowest.join(', ')}); load average ${loadAverage()}`,
    );
    console.log(
      `  isolate heap while searching: ${peakText(searchPeak)}; ${searchPeak.samples} samples; ${afterGcText(afterSearch)}`,
    );
    console.log(
      `  workerd RSS before the searches ${MiB(rssBefore)}, after ${MiB(rssAfter)} (growth ${MiB(rssAfter - rssBefore)}); peak (VmHWM) ${MiB(h.workerdPeakBytes())}`,
    );
  } finally {
    sampler?.stop();
    await harness?.stop();
    // A git process the stand-in started may still be letting go of the directory: never hide the real error.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    } catch (error) {
      console.warn(`could not remove ${dir}: ${error}`);
    }
  }
}

/**
 * `npm run bench:index -- --repo <path>`: index a clone of the repository from scratch
 * (time, files/s, chunks/s, peak workerd memory), then change one file (a new function
 * appended) and re-index, several times: chunks embedded must equal chunks changed, and
 * the incremental time is reported as a ratio of the full run.
 */
export async function run(): Promise<void> {
  checkOptions({
    usage: `npm run bench:index -- [--repo <checkout, default .>] [--rounds 5]: index a clone, then re-index after small changes
npm run bench:index -- --chunks <n> | --files <n> [--dimensions 384] [--batch 40] [--every 15] [--minutes 30] [--searches <n>]:
  a generated repository, indexed whole and searched (memory, heap, latency)`,
    values: ['repo', 'rounds', 'chunks', 'files', 'dimensions', 'batch', 'every', 'minutes', 'searches'],
    numbers: ['rounds', 'chunks', 'files', 'dimensions', 'batch', 'every', 'minutes', 'searches'],
  });
  if (argument('chunks') || argument('files')) return runGenerated();
  const source = resolve(argument('repo') ?? '.');
  const rounds = Number(argument('rounds') ?? 5);
  const clone = mkdtempSync(join(tmpdir(), 'hezlep-bench-'));
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', source, clone]);
  const harness = await startCodeIndexHarness({ repoDir: clone });
  try {
    const t0 = performance.now();
    const full = await harness.reindex();
    const fullMs = performance.now() - t0;
    const stats = full.lastRun.stats;
    console.log(
      `full index: ${full.files} files (${stats.filesSkipped} skipped), ${full.chunks} chunks in ${(fullMs / 1000).toFixed(2)} s`,
    );
    console.log(
      `  ${(full.files / (fullMs / 1000)).toFixed(1)} files/s, ${(full.chunks / (fullMs / 1000)).toFixed(1)} chunks/s, run-reported ${full.lastRun.durationMs} ms`,
    );
    console.log(
      `  chunks embedded ${stats.chunksEmbedded}, served from the content-hash cache ${stats.chunksCached}, batches ${stats.batches}`,
    );
    console.log(chunkingLine(stats.chunking));
    console.log(`  peak workerd memory (VmHWM): ${(harness.workerdPeakBytes() / 1024 / 1024).toFixed(1)} MiB`);

    // The file to change: the largest TypeScript source file in the repository.
    const files = execFileSync('git', ['-C', clone, 'ls-files', '*.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    if (!files.length) throw new Error('bench:index changes a TypeScript file, and this repository has none');
    const target = files
      .map((f) => ({ f, size: readFileSync(join(clone, f)).length }))
      .sort((a, b) => b.size - a.size)[0]!.f;
    const times: number[] = [];
    const runTimes: number[] = [];
    let allEqual = true;
    for (let round = 0; round < rounds; round++) {
      const path = join(clone, target);
      writeFileSync(
        path,
        `${readFileSync(path, 'utf8')}\nexport function benchAdded${round}(value: number): number {\n  const doubled = value * 2;\n  return doubled + ${round};\n}\n`,
      );
      execFileSync('git', [...GIT, '-C', clone, 'commit', '-qam', `bench change ${round}`]);
      const t = performance.now();
      const after = await harness.reindex();
      const ms = performance.now() - t;
      times.push(ms);
      const s = after.lastRun.stats;
      const equal = s.chunksEmbedded === s.chunksChanged;
      allEqual &&= equal;
      runTimes.push(after.lastRun.durationMs);
      console.log(
        `change ${round + 1}: ${target} → mode ${after.lastRun.mode}, files ${s.filesIndexed}, chunks changed ${s.chunksChanged}, embedded ${s.chunksEmbedded}, cached ${s.chunksCached}, ${ms.toFixed(0)} ms (run-reported ${after.lastRun.durationMs} ms)${equal ? '' : '  <-- MISMATCH'}`,
      );
    }
    console.log(
      `incremental (one file): median ${median(times).toFixed(0)} ms wall (ratio to full ${(median(times) / fullMs).toFixed(3)}), median ${median(runTimes).toFixed(0)} ms run-reported (ratio ${(median(runTimes) / full.lastRun.durationMs).toFixed(3)}); chunks embedded == chunks changed: ${allEqual}`,
    );
    console.log(
      "  wall = from POST /ai/github/reindex to the status poll (100 ms) seeing the run end; run-reported = the run's own start-to-finish.",
    );
  } finally {
    await harness.stop();
    rmSync(clone, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
