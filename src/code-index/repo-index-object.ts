import { DurableObject } from 'cloudflare:workers';
import { repoSourceFromEnv } from './source/github';
import { VectorizeVectorStore } from './store/vectorize';
import { EmbeddedVectorStore } from './store/embedded-vectors';
import { VectorSketch } from './store/vector-sketch';
import { embedderFor } from './embedding/embedders';
import { vectorizeBinding } from './bindings';
import { IndexPipeline } from './pipeline/pipeline';
import type { RunOutcome, RunRecord, RunSpec, RunTrigger } from './pipeline/run';
import { RunScheduler, type RunProgress, type StartResult } from './pipeline/scheduler';
import type { VectorStore } from './store/vector-store';
import { RepoIndexStore, type RankedHit, type SearchFilters } from './store/repo-index-store';
import { RunStore } from './store/run-store';
import { FileCommits } from './store/file-commits';
import { FileHistory } from './store/file-history';
import { SummaryCache } from './store/summary-cache';
import { summarizerFor } from './summary/summarizers';
import { moduleSummaries, type ModuleSummary } from './store/module-summary';
import { indexEventPublisher } from './events';
import type { Client } from '../auth/keys';
import { INDEX_LAYOUT } from './store/file-index';
import { searchFiles, SEARCH_CANDIDATES, type FileSearchResult } from './ranking/file-search';
import { weightsFor, type FileRankWeights } from './ranking/files';
import { loadIndexConfig } from './config';
import { vectorScope } from './store/vectorize';
import type { RepoRef } from './source/repo-source';

export type { RunProgress, StartResult } from './pipeline/scheduler';

/** Commit subjects returned with each hit's file. */
const HITS_HISTORY = 5;

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
  /** The history field: commits read, files described, and whether older history is still to be read. */
  history: { commits: number; files: number; newest: string | null; pending: boolean; until: string | null };
  running: RunProgress | null;
  lastRun: RunRecord | null;
}

/** What the index status probe and freshness need, in one call. */
export interface FreshnessFacts {
  commit: string | null;
  indexedAt: string | null;
  running: boolean;
  lastRun: { outcome: RunOutcome; finishedAt: string; error: string | null } | null;
}

/** The vector side of a search: a query vector for the embedded vectors, or hits from an external store. */
export type VectorQuery = { query: Float32Array; model: string } | { hits: RankedHit[] };

/** A search inside the object, with what the answer reports beside its hits. */
export interface IndexSearchResult extends FileSearchResult {
  freshness: FreshnessFacts;
  /** The newest commit subjects of each hit's file. */
  history: Record<string, string[]>;
  /** The commit each hit's file was indexed at. */
  fileCommits: Record<string, string | null>;
}

/**
 * One repository's index: chunks, the FTS5 lexical index, vectors (embedded mode) and
 * the run checkpoint, in this object's SQLite storage. Runs advance one batch per alarm
 * (RunScheduler), so no invocation grows with the repository and a failure resumes at
 * the checkpoint. Being one object per repository and branch, two runs never overlap.
 */
export class RepoIndexObject extends DurableObject<Record<string, unknown>> {
  protected readonly store: RepoIndexStore;
  private readonly runs: RunStore;
  private readonly commits: FileCommits;
  protected readonly history: FileHistory;
  private readonly summaryCache: SummaryCache;
  private readonly scheduler: RunScheduler;
  /** Int8 copies of the vectors for fast queries (null: over budget, scan instead); dropped whenever vectors change. */
  private sketch: { model: string; value: VectorSketch | null } | null = null;
  /** The ranking weights of this deployment's embedder and SEARCH_WEIGHTS, computed once. */
  #weights?: FileRankWeights;
  /** Spaces the run's progress events (at most one a second); a test replaces it through runInDurableObject. */
  progressClock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    this.store = new RepoIndexStore(ctx.storage.sql);
    this.runs = new RunStore(ctx.storage.sql);
    this.commits = new FileCommits(ctx.storage.sql);
    this.history = new FileHistory(ctx.storage.sql);
    this.summaryCache = new SummaryCache(ctx.storage.sql);
    // Objects indexed before vector rows existed: every embedded chunk gets its row once.
    if (this.store.getMeta('vector_rows') === null) {
      ctx.storage.transactionSync(() => {
        EmbeddedVectorStore.adoptChunks(ctx.storage.sql);
        this.store.setMeta('vector_rows', '1');
      });
    }
    this.scheduler = new RunScheduler({
      store: this.store,
      runs: this.runs,
      commits: this.commits,
      alarms: { get: () => ctx.storage.getAlarm(), set: (at) => ctx.storage.setAlarm(at) },
      transaction: (work) => ctx.storage.transactionSync(work),
      pipeline: (spec) => this.pipeline(spec),
      embedderId: (spec) => embedderFor(spec.embedder, this.env, spec.bindings).id,
      announce: async (spec, event) => {
        await indexEventPublisher(this.env, spec.project)?.publish({ topic: 'index', ...event });
      },
      progressClock: () => this.progressClock(),
    });
  }

  /**
   * Start a run of `repo` for `project`, configured from this object's own env (GitHub, embedder, vectors,
   * limits, summaries, history). The run keeps that configuration as a value in its record, so a resumed
   * or queued run goes on with the configuration it started with.
   */
  async start(
    repo: RepoRef,
    project: string,
    trigger: RunTrigger,
    actor: string,
    queueIfRunning = false,
  ): Promise<StartResult> {
    return this.scheduler.start(await this.runSpec(repo, project), trigger, actor, queueIfRunning);
  }

  private async runSpec(repo: RepoRef, project: string): Promise<RunSpec> {
    const { github, embedder, vectors, bindings, vectorizeIndex, limits, summaries, history } = loadIndexConfig(
      this.env,
    );
    return {
      repo,
      apiUrl: github.apiUrl,
      embedder,
      vectors,
      bindings,
      vectorizeIndex,
      scope: await vectorScope(project, repo),
      limits,
      summaries,
      history,
      project,
    };
  }

  protected weights(): FileRankWeights {
    if (!this.#weights) {
      const config = loadIndexConfig(this.env);
      const embedder = embedderFor(config.embedder, this.env, config.bindings);
      this.#weights = weightsFor(embedder.id, config.searchWeights);
    }
    return this.#weights;
  }

  private vectorStore(spec: RunSpec, model: string, dimensions: number): VectorStore {
    if (spec.vectors !== 'vectorize') return new EmbeddedVectorStore(this.ctx.storage.sql, model);
    const binding = vectorizeBinding(this.env, spec.bindings ?? 'cloudflare', {
      name: spec.vectorizeIndex ?? 'hezlep-code',
      dimensions,
    });
    return new VectorizeVectorStore(binding, spec.scope ?? '');
  }

  private pipeline(spec: RunSpec): IndexPipeline {
    const embedder = embedderFor(spec.embedder, this.env, spec.bindings);
    return new IndexPipeline({
      store: this.store,
      runs: this.runs,
      commits: this.commits,
      source: repoSourceFromEnv(this.env, spec.apiUrl),
      embedder,
      vectors: this.vectorStore(spec, embedder.id, embedder.dimensions),
      summaryCache: this.summaryCache,
      history: this.history,
      summaries: spec.summaries
        ? { cache: this.summaryCache, spec: spec.summaries, summarizer: summarizerFor(spec.summaries, this.env) }
        : null,
      transaction: (work) => this.ctx.storage.transactionSync(work),
    });
  }

  override async alarm(): Promise<void> {
    this.sketch = null;
    try {
      await this.scheduler.step();
    } finally {
      this.sketch = null;
      // The run is over: build the vector sketch now, so the first search after it does not wait for it.
      if (!this.runs.runState()) this.warmSketch();
    }
  }

  private warmSketch(): void {
    const model = this.store.getMeta('embedder');
    if (model) this.sketch = { model, value: VectorSketch.build(this.ctx.storage.sql, model) };
  }

  /** Monthly vector pruning; skipped while a run is going, since its work may still need the cache. */
  pruneVectors(): { pruned: number; skipped: boolean } {
    if (this.runs.runState()) return { pruned: 0, skipped: true };
    this.sketch = null;
    const pruned = this.store.pruneVectors(this.store.getMeta('embedder'));
    this.summaryCache.prune();
    return { pruned, skipped: false };
  }

  status(): IndexStatus {
    const counts = this.store.counts();
    const embedder = this.store.getMeta('embedder');
    const vectorCounts = embedder ? this.store.embeddedCount(embedder) : { embedded: 0, cached: 0 };
    const state = this.runs.runState();
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
      skipped: { total: counts.skipped, byReason: this.store.skipsByReason(), sample: this.store.skippedSample(20) },
      redacted: {
        total: counts.redactions,
        byKind: this.store.redactionsByKind(),
        sample: this.store.redactionSample(20),
      },
      languages: this.store.languages(),
      history: this.historyStatus(),
      running: state ? this.scheduler.progress(state) : null,
      lastRun: this.runs.lastRun(),
    };
  }

  private historyStatus(): IndexStatus['history'] {
    const state = this.history.state();
    return { ...this.history.counts(), newest: state.newest, pending: state.walks.length > 0, until: state.until };
  }

  /** Cosine search over the embedded vectors in bounded memory: the int8 sketch when it fits, else pages of rows. */
  vectorSearch(query: Float32Array, model: string, filters: SearchFilters, limit: number): RankedHit[] {
    const store = new EmbeddedVectorStore(this.ctx.storage.sql, model);
    // While a run writes vectors, scan: a sketch would go stale between batches.
    if (this.runs.runState()) return store.search(query, limit, filters);
    if (this.sketch?.model !== model) this.sketch = { model, value: VectorSketch.build(this.ctx.storage.sql, model) };
    return store.search(query, limit, filters, this.sketch.value);
  }

  /** A search's vector candidates: compared here with the embedded vectors, or handed in by an external store. */
  protected vectorHits(filters: SearchFilters, vector: VectorQuery | null): RankedHit[] {
    return vector && 'query' in vector
      ? this.vectorSearch(vector.query, vector.model, filters, SEARCH_CANDIDATES.vector)
      : (vector?.hits ?? []);
  }

  /**
   * Files for a question (see searchFiles); vector hits are found here from `query`, or handed in
   * by an external store. One call brings everything a search answer needs from the object: the
   * hits, the index's freshness and the commit each hit's file was indexed at (all read at once,
   * so they agree). The ranking weights come from the object's own env (its embedder and SEARCH_WEIGHTS).
   */
  searchFiles(
    question: string,
    filters: SearchFilters,
    vector: VectorQuery | null,
    k: number,
    perFile: number,
  ): IndexSearchResult {
    const weights = this.weights();
    const hits = this.vectorHits(filters, vector);
    const found = searchFiles(this.store, question, filters, hits, { k, perFile, weights, history: this.history });
    return {
      ...found,
      history: this.history.recent(
        found.hits.map((hit) => hit.path),
        HITS_HISTORY,
      ),
      freshness: this.freshness(),
      fileCommits: this.commits.of(found.hits.map((hit) => hit.path)),
    };
  }

  /** The top-level modules: file and chunk counts, languages and prominent symbols (bounded). */
  modules(maxModules: number, maxSymbols: number): { total: number; modules: ModuleSummary[] } {
    return moduleSummaries(this.ctx.storage.sql, maxModules, maxSymbols);
  }

  /** Indexed commit, whether a run is going, and how the last one ended: cheap enough for every status probe. */
  freshness(): FreshnessFacts {
    const last = this.runs.lastRun();
    return {
      commit: this.store.getMeta('indexed_commit'),
      indexedAt: this.store.getMeta('indexed_at'),
      running: this.runs.runState() !== null,
      lastRun: last ? { outcome: last.outcome, finishedAt: last.finishedAt, error: last.error } : null,
    };
  }

  indexedCommit(): { commit: string | null; indexedAt: string | null; embedder: string | null } {
    return {
      commit: this.store.getMeta('indexed_commit'),
      indexedAt: this.store.getMeta('indexed_at'),
      embedder: this.store.getMeta('embedder'),
    };
  }
}
