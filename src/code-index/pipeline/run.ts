import { Logger } from '../../lib/log';
import type { ChunkedFile } from '../chunking/chunker';
import type { BindingSource, EmbedderSpec, IndexLimits, VectorBackend } from '../config';
import type { RepoRef } from '../source/repo-source';
import type { ModelSummarySpec } from '../summary/model-summary';
import type { HistorySpec, HistoryStats } from './history';

export type RunTrigger = 'cron' | 'manual' | 'webhook';

/** Everything a run needs to resume from its checkpoint, minus secrets (read from the env where it runs). */
export interface RunSpec {
  repo: RepoRef;
  apiUrl: string;
  embedder: EmbedderSpec;
  vectors: VectorBackend;
  /** Cloudflare's bindings or their local implementations (absent in runs saved before: Cloudflare's). */
  bindings?: BindingSource;
  vectorizeIndex?: string;
  /** This index object's namespace and id prefix in a shared Vectorize index (see vectorScope). */
  scope?: string;
  limits: IndexLimits;
  /** Model-written file summaries (absent or null: off). */
  summaries?: ModelSummarySpec | null;
  /** The history field: how far back and how fast (absent in runs saved before it existed: off). */
  history?: HistorySpec;
  /** The project the run was started for: its event hub hears about the run. Absent in runs saved before it existed. */
  project?: string;
}

export interface RunStats {
  filesPlanned: number;
  filesIndexed: number;
  filesDeleted: number;
  filesSkipped: number;
  chunksWritten: number;
  /** Chunks whose content was not in the file before this run. */
  chunksChanged: number;
  /** Vectors computed by the embedder (cache misses). */
  chunksEmbedded: number;
  /** Vectors reused from the content-hash cache. */
  chunksCached: number;
  redactions: number;
  batches: number;
  /** Model-written summaries, when they are on (absent in runs without them). */
  summaries?: SummaryStats;
  /** The history walk in this run (absent when the history field is off). */
  history?: HistoryStats;
  /** How the run's files were cut (absent in runs saved before it was counted). */
  chunking?: ChunkingStats;
}

/** Files cut by their syntax tree, by the text splitter (no grammar), and by text after a grammar failure. */
export interface ChunkingStats {
  syntax: number;
  text: number;
  /** Files of a parsed language cut by text because the grammar failed: a working run has none. */
  fallback: number;
  /** The first grammar failure of the run (no file content). */
  firstError: string | null;
}

export function emptyChunkingStats(): ChunkingStats {
  return { syntax: 0, text: 0, fallback: 0, firstError: null };
}

/** Count how one file was cut; the run's first grammar failure is logged (once per run, never silent). */
export function countChunking(state: RunState, cut: Pick<ChunkedFile, 'method' | 'fallback'>): void {
  state.stats.chunking ??= emptyChunkingStats();
  const stats = state.stats.chunking;
  if (cut.method === 'syntax') stats.syntax++;
  else if (cut.fallback === null) stats.text++;
  else {
    stats.fallback++;
    if (stats.firstError !== null) return;
    stats.firstError = cut.fallback;
    new Logger().warn('index run: a grammar failed, files fall back to the text splitter', {
      run: state.id,
      error: cut.fallback,
    });
  }
}

export interface SummaryStats {
  /** Written by the model in this run. */
  written: number;
  /** Reused from the blob-hash cache (unchanged content). */
  cached: number;
  /** Calls that failed (429, 5xx, timeout): the deterministic summary stays, the file is owed to the next run. */
  failed: number;
  /** Left for the next run by the per-run budget or after a rate limit. */
  deferred: number;
  /** What the last failure was (no file content, no secrets). */
  lastError: string | null;
}

export function emptyStats(): RunStats {
  return {
    filesPlanned: 0,
    filesIndexed: 0,
    filesDeleted: 0,
    filesSkipped: 0,
    chunksWritten: 0,
    chunksChanged: 0,
    chunksEmbedded: 0,
    chunksCached: 0,
    redactions: 0,
    batches: 0,
    chunking: emptyChunkingStats(),
  };
}

export interface RunState {
  id: string;
  trigger: RunTrigger;
  actor: string;
  spec: RunSpec;
  startedAt: number;
  /** plan, then batches of files, then the history walk (when on). */
  phase: 'plan' | 'files' | 'history';
  mode: 'full' | 'incremental' | 'tree-diff' | null;
  baseCommit: string | null;
  headCommit: string | null;
  /** The last work item done: everything at or below it is committed. */
  cursor: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  /** A trigger arrived while this run was going: run again when it ends. */
  followUp: boolean;
  stats: RunStats;
}

export type RunOutcome = 'succeeded' | 'failed' | 'up_to_date';

export interface RunRecord {
  id: string;
  trigger: RunTrigger;
  actor: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: RunOutcome;
  mode: RunState['mode'];
  baseCommit: string | null;
  headCommit: string | null;
  stats: RunStats;
  error: string | null;
}

/** Where a run stands, as /ai/github/index and the run events report it. */
export interface RunProgress {
  id: string;
  trigger: RunTrigger;
  actor: string;
  startedAt: string;
  phase: RunState['phase'];
  mode: RunState['mode'];
  /** Queued files done (committed) so far; with filesPlanned, the progress of the files phase. */
  filesDone: number;
  filesPlanned: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  /** Seconds left at the pace so far; null before the first file is done. */
  etaSeconds: number | null;
  /** Model-written summaries so far, or null when they are off. */
  summaries: SummaryStats | null;
  /** The history walk so far (commits read, requests made, why it paused), or null when off. */
  history: HistoryStats | null;
  /** How the files so far were cut: syntax, text, and text after a grammar failure (with the first error). */
  chunking: ChunkingStats;
}
