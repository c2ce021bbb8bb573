import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument, startCodeIndexHarness } from '../code-index-harness';

const GIT = ['-c', 'user.name=Bench', '-c', 'user.email=bench@hezlep.test', '-c', 'commit.gpgsign=false'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `npm run bench:index -- --repo <path>`: index a clone of the repository from scratch
 * (time, files/s, chunks/s, peak workerd memory), then change one file (a new function
 * appended) and re-index, several times: chunks embedded must equal chunks changed, and
 * the incremental time is reported as a ratio of the full run.
 */
export async function run(): Promise<void> {
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
    console.log(`full index: ${full.files} files (${stats.filesSkipped} skipped), ${full.chunks} chunks in ${(fullMs / 1000).toFixed(2)} s`);
    console.log(`  ${(full.files / (fullMs / 1000)).toFixed(1)} files/s, ${(full.chunks / (fullMs / 1000)).toFixed(1)} chunks/s, run-reported ${full.lastRun.durationMs} ms`);
    console.log(`  chunks embedded ${stats.chunksEmbedded}, served from the content-hash cache ${stats.chunksCached}, batches ${stats.batches}`);
    console.log(`  peak workerd memory (VmHWM): ${(harness.workerdPeakBytes() / 1024 / 1024).toFixed(1)} MiB`);

    // The file to change: the largest TypeScript source file in the repository.
    const files = execFileSync('git', ['-C', clone, 'ls-files', '*.ts'], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    if (!files.length) throw new Error('bench:index changes a TypeScript file, and this repository has none');
    const target = files.map((f) => ({ f, size: readFileSync(join(clone, f)).length })).sort((a, b) => b.size - a.size)[0]!.f;
    const times: number[] = [];
    const runTimes: number[] = [];
    let allEqual = true;
    for (let round = 0; round < rounds; round++) {
      const path = join(clone, target);
      writeFileSync(path, `${readFileSync(path, 'utf8')}\nexport function benchAdded${round}(value: number): number {\n  const doubled = value * 2;\n  return doubled + ${round};\n}\n`);
      execFileSync('git', [...GIT, '-C', clone, 'commit', '-qam', `bench change ${round}`]);
      const t = performance.now();
      const after = await harness.reindex();
      const ms = performance.now() - t;
      times.push(ms);
      const s = after.lastRun.stats;
      const equal = s.chunksEmbedded === s.chunksChanged;
      allEqual &&= equal;
      runTimes.push(after.lastRun.durationMs);
      console.log(`change ${round + 1}: ${target} → mode ${after.lastRun.mode}, files ${s.filesIndexed}, chunks changed ${s.chunksChanged}, embedded ${s.chunksEmbedded}, cached ${s.chunksCached}, ${ms.toFixed(0)} ms (run-reported ${after.lastRun.durationMs} ms)${equal ? '' : '  <-- MISMATCH'}`);
    }
    console.log(`incremental (one file): median ${median(times).toFixed(0)} ms wall (ratio to full ${(median(times) / fullMs).toFixed(3)}), median ${median(runTimes).toFixed(0)} ms run-reported (ratio ${(median(runTimes) / full.lastRun.durationMs).toFixed(3)}); chunks embedded == chunks changed: ${allEqual}`);
    console.log('  wall = from POST /ai/github/reindex to the status poll (100 ms) seeing the run end; run-reported = the run\'s own start-to-finish.');
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
