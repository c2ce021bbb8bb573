import { Logger } from '../../lib/log';
import { ApiError } from '../../errors';
import { errorSummary } from '../run-events';
import type { SummaryCache } from '../store/summary-cache';
import type { FileSummarizer, ModelSummarySpec } from '../summary/model-summary';
import type { RunState, SummaryStats } from './run';

/** Summary calls in flight at once within a batch. */
const SUMMARY_CONCURRENCY = 4;

export interface ModelSummaryPorts {
  cache: SummaryCache;
  summarizer: FileSummarizer;
  spec: ModelSummarySpec;
}

/** A file of this batch that wants a model summary: its blob id and its redacted text. */
export interface SummaryCandidate {
  seq: number;
  path: string;
  sha: string;
  language: string;
  text: string;
}

/** Per work item: the summary, or `owed` (failed, over budget, or after a rate limit: the next run tries again). */
export type SummaryOutcome = { summary: string } | 'owed';

export function emptySummaryStats(): SummaryStats {
  return { written: 0, cached: 0, failed: 0, deferred: 0, lastError: null };
}

/**
 * The model-written summaries a batch needs: from the blob-hash cache when the content was
 * summarised before (under any path), else from the model, within the run's budget. Failures
 * never fail the batch: the file keeps its deterministic summary and stays owed; a rate limit
 * stops further calls in this batch. Fresh summaries are cached at once, so a retried batch
 * does not pay for them twice.
 */
export async function modelSummariesFor(
  ports: ModelSummaryPorts,
  state: RunState,
  candidates: SummaryCandidate[],
): Promise<Map<number, SummaryOutcome>> {
  const out = new Map<number, SummaryOutcome>();
  if (!candidates.length) return out;
  state.stats.summaries ??= emptySummaryStats();
  const stats = state.stats.summaries;
  const { cache, summarizer, spec } = ports;
  const cached = cache.get([...new Set(candidates.map((c) => c.sha))], summarizer.id);
  const missing: SummaryCandidate[] = [];
  for (const candidate of candidates) {
    const hit = cached.get(candidate.sha);
    if (hit === undefined) missing.push(candidate);
    else {
      out.set(candidate.seq, { summary: hit });
      stats.cached++;
    }
  }
  // One call per distinct blob: two paths with the same content share it.
  const bySha = new Map<string, SummaryCandidate[]>();
  for (const candidate of missing) bySha.set(candidate.sha, [...(bySha.get(candidate.sha) ?? []), candidate]);
  const queue = [...bySha.values()];
  let rateLimited = false;
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      const first = group[0]!;
      if (rateLimited || stats.written + stats.failed >= spec.maxPerRun) {
        for (const c of group) out.set(c.seq, 'owed');
        stats.deferred += group.length;
        continue;
      }
      try {
        const summary = await summarizer.summarize({ path: first.path, language: first.language, text: first.text });
        cache.put(first.sha, summarizer.id, summary);
        for (const c of group) out.set(c.seq, { summary });
        stats.written++;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'rate_limited') rateLimited = true;
        for (const c of group) out.set(c.seq, 'owed');
        stats.failed++;
        stats.lastError = `${first.path.slice(0, 200)}: ${errorSummary(error)}`;
        new Logger().warn('file summary failed', { run: state.id, error: stats.lastError });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SUMMARY_CONCURRENCY, queue.length) }, worker));
  return out;
}
