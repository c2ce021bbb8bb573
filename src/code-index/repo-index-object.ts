import { DurableObject } from 'cloudflare:workers';
import { ApiError } from '../errors';
import { repoSourceFromEnv } from './source/github';
import { VectorizeVectorStore, vectorizeNamespace } from './store/vectorize';
import { embedderFor } from './embedding/embedders';
import { IndexPipeline } from './pipeline/pipeline';
import { emptyStats, type RunOutcome, type RunRecord, type RunSpec, type RunState, type RunTrigger } from './pipeline/run';
import { topCosine, type VectorRecord, type VectorStore } from './store/vector-store';
import { RepoIndexStore, type ModuleSummary, type RankedHit, type SearchFilters, type StoredChunk } from './store/repo-index-store';
import type { ProjectEvent } from '../events/publisher';
import { ProgressGate, etaSeconds } from './progress';
import { indexEventPublisher } from './events';
import type { Client } from '../auth/keys';
import { INDEX_LAYOUT } from './store/file-index';
import { searchFiles, SEARCH_CANDIDATES, type FileSearchResult } from './ranking/file-search';
import type { FileRankWeights } from './ranking/files';

export type StartResult = { started: true; runId: string } | { started: false; running: RunProgress; followUpQueued: boolean };

export interface RunProgress {
  id: string;
  trigger: RunTrigger;
  actor: string;
  startedAt: string;
  phase: RunState['phase'];
  mode: RunState['mode'];
  filesDone: number;
  filesPlanned: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  /** Seconds left at the pace so far; null before the first file is done. */
  etaSeconds: number | null;
}

export interface IndexStatus {
  repo: string | null;
  branch: string | null;
  indexedCommit: string | null;
  indexedAt: string | null;
  embedder: string | null;
  files: number;
  chunks: number;
  embedded: number;
  cachedVectors: number;
  skipped: { total: number; byReason: Record<string, number>; sample: { path: string; reason: string }[] };
  redacted: { total: number; byKind: Record<string, number>; sample: { path: string; line: number; kind: string }[] };
  languages: Record<string, number>;
  running: RunProgress | null;
  lastRun: RunRecord | null;
}

/** Where no vectors leave the object: the embeddings table is the store, writes are no-ops. */
class EmbeddedVectorWrites implements VectorStore {
  readonly kind = 'embedded' as const;
  async upsert(_records: VectorRecord[]): Promise<void> {}
  async remove(_ids: number[]): Promise<void> {}
  async query(): Promise<RankedHit[]> {
    return [];
  }
}

interface VectorMatrix {
  model: string;
  dimensions: number;
  ids: Int32Array;
  paths: string[];
  languages: string[];
  matrix: Float32Array;
}

/** What the index status probe and freshness need, in one call. */
export interface FreshnessFacts {
  commit: string | null;
  indexedAt: string | null;
  running: boolean;
  lastRun: { outcome: RunOutcome; finishedAt: string; error: string | null } | null;
}

/** The caller behind a run, from its label (`client` or `client:person`). */
function actorOf(label: string): NonNullable<ProjectEvent['actor']> {
  const at = label.indexOf(':');
  return at < 0 ? { client: label as Client, label } : { client: label.slice(0, at) as Client, person: label.slice(at + 1), label };
}

function errorSummary(error: unknown): string {
  // Public detail only: ApiError messages are written for callers and never carry secrets.
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return 'unexpected error (see the service log)';
}

/**
 * One repository's index: chunks, the FTS5 lexical index, vectors (embedded mode) and
 * the run checkpoint, in this object's SQLite storage. Runs advance one batch per alarm,
 * so no invocation grows with the repository and a failure resumes at the checkpoint.
 * Being one object per repository, two runs can never overlap.
 */
export class RepoIndexObject extends DurableObject<Record<string, unknown>> {
  private readonly store: RepoIndexStore;
  private vectors: VectorMatrix | null = null;
  private readonly progressGate = new ProgressGate();

  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    this.store = new RepoIndexStore(ctx.storage.sql);
  }

  private progress(state: RunState): RunProgress {
    const filesDone = state.phase === 'files' ? state.stats.filesIndexed + state.stats.filesDeleted + state.stats.filesSkipped : 0;
    const startedAt = new Date(state.startedAt).toISOString();
    return {
      id: state.id,
      trigger: state.trigger,
      actor: state.actor,
      startedAt,
      phase: state.phase,
      mode: state.mode,
      filesDone,
      filesPlanned: state.stats.filesPlanned,
      attempts: state.attempts,
      lastError: state.lastError,
      nextAttemptAt: state.nextAttemptAt ? new Date(state.nextAttemptAt).toISOString() : null,
      etaSeconds: etaSeconds({ startedAt, filesDone, filesPlanned: state.stats.filesPlanned }, Date.now()),
    };
  }

  /** Tell the project's listeners about a run (a no-op without an event hub). */
  private async announce(spec: RunSpec, event: Omit<ProjectEvent, 'topic'>): Promise<void> {
    await indexEventPublisher(this.env, spec.project)?.publish({ topic: 'index', ...event });
  }

  /**
   * Start a run unless one is going; a trigger during a run may ask for one more run after it.
   * The start is published on the `index` topic unless the caller publishes it itself (`announced`).
   */
  async start(spec: RunSpec, trigger: RunTrigger, actor: string, queueIfRunning = false, announced = false): Promise<StartResult> {
    const current = this.store.runState();
    // A run whose alarm is gone (it should not happen, but a stuck run would block every later one) is re-armed.
    if (current && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
    if (current) {
      if (queueIfRunning && !current.followUp) {
        current.followUp = true;
        this.store.saveRunState(current);
      }
      return { started: false, running: this.progress(current), followUpQueued: current.followUp };
    }
    const state: RunState = {
      id: crypto.randomUUID(),
      trigger,
      actor,
      spec,
      startedAt: Date.now(),
      phase: 'plan',
      mode: null,
      baseCommit: null,
      headCommit: null,
      cursor: 0,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
      followUp: false,
      stats: emptyStats(),
    };
    this.store.saveRunState(state);
    this.store.setMeta('repo', `${spec.repo.owner}/${spec.repo.name}`);
    this.store.setMeta('branch', spec.repo.branch);
    await this.ctx.storage.setAlarm(Date.now());
    if (!announced) await this.announce(spec, runStartedEvent(state));
    return { started: true, runId: state.id };
  }

  private pipeline(spec: RunSpec): IndexPipeline {
    const embedder = embedderFor(spec.embedder, this.env);
    const vectors: VectorStore =
      spec.vectors === 'vectorize'
        ? new VectorizeVectorStore(this.env.VECTORIZE as Vectorize, vectorizeNamespace(`${spec.repo.owner}/${spec.repo.name}`))
        : new EmbeddedVectorWrites();
    return new IndexPipeline({
      store: this.store,
      source: repoSourceFromEnv(this.env, spec.apiUrl),
      embedder,
      vectors,
      transaction: (work) => this.ctx.storage.transactionSync(work),
    });
  }

  override async alarm(): Promise<void> {
    const state = this.store.runState();
    if (!state) return;
    try {
      const pipeline = this.pipeline(state.spec);
      if (state.phase === 'plan') {
        const planned = await pipeline.plan(state);
        if (planned === 'up_to_date') return this.finish(state, 'up_to_date');
      } else {
        const done = await pipeline.batch(state);
        if (done) return this.finish(state, 'succeeded');
      }
      this.vectors = null;
      state.attempts = 0;
      state.nextAttemptAt = null;
      this.store.saveRunState(state);
      await this.ctx.storage.setAlarm(Date.now());
      if (state.phase === 'files' && this.progressGate.due(Date.now())) await this.announce(state.spec, runProgressEvent(state, this.progress(state)));
    } catch (error) {
      this.vectors = null;
      // Reload: whatever the batch committed (files and checkpoint) stays; only counters in memory are dropped.
      const saved = this.store.runState() ?? state;
      saved.attempts++;
      saved.lastError = errorSummary(error);
      console.warn(JSON.stringify({ level: 'warn', msg: 'index batch failed', run: saved.id, attempt: saved.attempts, error: String((error as Error)?.message ?? error).slice(0, 300) }));
      if (saved.attempts >= saved.spec.limits.maxAttempts) return this.finish(saved, 'failed');
      const delay = Math.min(saved.spec.limits.retryBaseMs * 2 ** (saved.attempts - 1), 10 * 60_000);
      saved.nextAttemptAt = Date.now() + delay;
      this.store.saveRunState(saved);
      await this.ctx.storage.setAlarm(saved.nextAttemptAt);
    }
  }

  private async finish(state: RunState, outcome: RunOutcome): Promise<void> {
    const finishedAt = Date.now();
    const record: RunRecord = {
      id: state.id,
      trigger: state.trigger,
      actor: state.actor,
      startedAt: new Date(state.startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - state.startedAt,
      outcome,
      mode: state.mode,
      baseCommit: state.baseCommit,
      headCommit: state.headCommit,
      stats: state.stats,
      error: outcome === 'failed' ? state.lastError : null,
    };
    this.ctx.storage.transactionSync(() => {
      if (outcome !== 'failed' && state.headCommit) {
        this.store.setMeta('indexed_commit', state.headCommit);
        this.store.setMeta('indexed_at', new Date(finishedAt).toISOString());
        this.store.setMeta('embedder', embedderFor(state.spec.embedder, this.env).id);
        this.store.setMeta('layout', INDEX_LAYOUT);
        this.store.clearWork();
      }
      this.store.recordRun(record);
      this.store.saveRunState(null);
    });
    this.vectors = null;
    const repo = `${state.spec.repo.owner}/${state.spec.repo.name}`;
    const what =
      outcome === 'failed'
        ? `failed after ${state.attempts} attempt(s): ${state.lastError ?? 'unknown error'}`
        : outcome === 'up_to_date'
          ? `found ${repo} already up to date`
          : `indexed ${state.stats.filesIndexed} file(s), deleted ${state.stats.filesDeleted}, embedded ${state.stats.chunksEmbedded} chunk(s)`;
    await this.announce(state.spec, {
      type: outcome === 'failed' ? 'index.run_failed' : 'index.run_succeeded',
      summary: `Index run of ${repo}@${state.spec.repo.branch} ${what}`.slice(0, 300),
      actor: actorOf(state.actor),
      data: { runId: state.id, repo, branch: state.spec.repo.branch, trigger: state.trigger, outcome, durationMs: record.durationMs, headCommit: state.headCommit, stats: state.stats, error: record.error },
    });
    if (state.followUp) await this.start(state.spec, state.trigger, state.actor);
  }

  /** Monthly vector pruning; skipped while a run is going, since its work may still need the cache. */
  pruneVectors(): { pruned: number; skipped: boolean } {
    if (this.store.runState()) return { pruned: 0, skipped: true };
    const pruned = this.store.pruneVectors(this.store.getMeta('embedder'));
    if (pruned) this.vectors = null;
    return { pruned, skipped: false };
  }

  status(): IndexStatus {
    const counts = this.store.counts();
    const embedder = this.store.getMeta('embedder');
    const vectorCounts = embedder ? this.store.embeddedCount(embedder) : { embedded: 0, cached: 0 };
    const skipsByReason = this.store.skipsByReason();
    const redactionsByKind = this.store.redactionsByKind();
    const state = this.store.runState();
    return {
      repo: this.store.getMeta('repo'),
      branch: this.store.getMeta('branch'),
      indexedCommit: this.store.getMeta('indexed_commit'),
      indexedAt: this.store.getMeta('indexed_at'),
      embedder,
      files: counts.files,
      chunks: counts.chunks,
      embedded: vectorCounts.embedded,
      cachedVectors: vectorCounts.cached,
      skipped: { total: counts.skipped, byReason: skipsByReason, sample: this.store.skippedSample(20) },
      redacted: { total: counts.redactions, byKind: redactionsByKind, sample: this.store.redactionSample(20) },
      languages: this.store.languages(),
      running: state ? this.progress(state) : null,
      lastRun: this.store.lastRun(),
    };
  }

  /** Exact cosine search over every chunk vector, from a matrix cached on the object. */
  vectorSearch(query: Float32Array, model: string, filters: SearchFilters, limit: number): RankedHit[] {
    if (!this.vectors || this.vectors.model !== model) {
      const all = this.store.allVectors(model);
      const dimensions = all.vectors[0] ? all.vectors[0].byteLength / 4 : query.length;
      const matrix = new Float32Array(all.ids.length * dimensions);
      all.vectors.forEach((buffer, row) => {
        matrix.set(new Float32Array(buffer), row * dimensions);
      });
      this.vectors = { model, dimensions, ids: Int32Array.from(all.ids), paths: all.paths, languages: all.languages, matrix };
    }
    const v = this.vectors;
    if (v.dimensions !== query.length || !v.ids.length) return [];
    const accept = (row: number) => (!filters.path || v.paths[row]!.startsWith(filters.path)) && (!filters.language || v.languages[row] === filters.language);
    return topCosine(v.matrix, v.dimensions, query, limit, accept).map((hit) => ({ id: v.ids[hit.row]!, score: hit.score }));
  }

  /** Files for a question (see searchFiles); vector hits are found here from `query`, or handed in by an external store. */
  searchFiles(question: string, filters: SearchFilters, vector: { query: Float32Array; model: string } | { hits: RankedHit[] } | null, k: number, perFile: number, weights: FileRankWeights): FileSearchResult {
    const hits = vector && 'query' in vector ? this.vectorSearch(vector.query, vector.model, filters, SEARCH_CANDIDATES.vector) : (vector?.hits ?? []);
    return searchFiles(this.store, question, filters, hits, { k, perFile, weights });
  }

  chunks(ids: number[]): StoredChunk[] {
    return this.store.chunksByIds(ids);
  }

  /** The top-level modules: file and chunk counts, languages and prominent symbols (bounded). */
  modules(maxModules: number, maxSymbols: number): { total: number; modules: ModuleSummary[] } {
    return this.store.modules(maxModules, maxSymbols);
  }

  /** Indexed commit, whether a run is going, and how the last one ended: cheap enough for every status probe. */
  freshness(): FreshnessFacts {
    const last = this.store.lastRun();
    return {
      commit: this.store.getMeta('indexed_commit'),
      indexedAt: this.store.getMeta('indexed_at'),
      running: this.store.runState() !== null,
      lastRun: last ? { outcome: last.outcome, finishedAt: last.finishedAt, error: last.error } : null,
    };
  }

  indexedCommit(): { commit: string | null; indexedAt: string | null; embedder: string | null } {
    return { commit: this.store.getMeta('indexed_commit'), indexedAt: this.store.getMeta('indexed_at'), embedder: this.store.getMeta('embedder') };
  }
}

/** Files done of planned and the ETA, published at most once a second while a run goes. */
function runProgressEvent(state: RunState, progress: RunProgress): Omit<ProjectEvent, 'topic'> {
  const repo = `${state.spec.repo.owner}/${state.spec.repo.name}`;
  const eta = progress.etaSeconds === null ? '' : `, about ${progress.etaSeconds} s left`;
  return {
    type: 'index.run_progress',
    summary: `Index run of ${repo}: ${progress.filesDone}/${progress.filesPlanned} files${eta}`,
    actor: actorOf(state.actor),
    data: { runId: state.id, repo, filesDone: progress.filesDone, filesPlanned: progress.filesPlanned, etaSeconds: progress.etaSeconds },
  };
}

function runStartedEvent(state: RunState): Omit<ProjectEvent, 'topic'> {
  const repo = `${state.spec.repo.owner}/${state.spec.repo.name}`;
  return {
    type: 'index.run_started',
    summary: `Index run of ${repo}@${state.spec.repo.branch} started (${state.trigger})`,
    actor: actorOf(state.actor),
    data: { runId: state.id, repo, branch: state.spec.repo.branch, trigger: state.trigger },
  };
}
