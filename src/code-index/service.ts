import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import { repoSourceFromEnv } from './source/github';
import { VectorizeVectorStore, vectorizeNamespace } from './store/vectorize';
import type { FreshnessFacts, IndexStatus, RepoIndexObject, StartResult } from './repo-index-object';
import type { FileSearchResult } from './ranking/file-search';
import type { ModuleSummary } from './store/repo-index-store';
import type { RankedHit, SearchFilters } from './store/repo-index-store';
import type { IndexConfig } from './config';
import { embedderFor } from './embedding/embedders';
import { boundedSnippet, SNIPPET_BOUNDS, type Signal, type Snippet } from './ranking/rank';
import { weightsFor } from './ranking/files';
import { repoKey, type RepoRef } from './source/repo-source';
import type { RunSpec, RunTrigger } from './pipeline/run';
import { redactSecrets } from '../redaction/secrets';
import { declarationOf, type Declaration } from '../redaction/exposure';

export interface Freshness {
  indexedCommit: string | null;
  headCommit: string | null;
  /** True when the branch moved past the indexed commit; null when the head could not be read. */
  stale: boolean | null;
  indexedAt: string | null;
  running: boolean;
}

export interface FreshnessReport extends Freshness {
  /** How the last finished run ended, or null before the first one. */
  lastRun: FreshnessFacts['lastRun'];
}

export interface SearchHit {
  repo: string;
  path: string;
  /** Rank of the hit's file (hits are grouped by file; a file brings at most two chunks). */
  fileRank: number;
  startLine: number;
  endLine: number;
  symbol: string | null;
  kind: string;
  language: string;
  score: number;
  signals: Signal[];
  /** The file's deterministic summary (exports, declarations with their doc comments, imports). */
  summary: string | null;
  snippet: Snippet;
  /** Signature and doc comment at the chunk's start: what the gpt client sees instead of code (src/redaction/exposure.ts). */
  declaration: Declaration;
}

export interface SearchOptions {
  k: number;
  path?: string;
  language?: string;
}

/** Vector candidates an external store contributes before files are ranked. */
const CANDIDATES = 60;

/** At most this many chunks of one file among the results. */
const CHUNKS_PER_FILE = 2;

/** The indexing service for the Worker: starts runs and answers searches through each repository's object. */
export class IndexService {
  constructor(
    private readonly config: IndexConfig,
    private readonly env: Record<string, unknown>,
    private readonly projectId: string,
  ) {}

  get webhookSecret(): string | undefined {
    return this.config.webhookSecret;
  }

  get repos(): RepoRef[] {
    return this.config.repos;
  }

  private namespace(): DurableObjectNamespace<RepoIndexObject> {
    const binding = this.env.REPO_INDEX as DurableObjectNamespace<RepoIndexObject> | undefined;
    if (!binding) throw new ApiError('misconfigured', 'Service configuration is invalid: the REPO_INDEX Durable Object binding is missing');
    return binding;
  }

  stub(repo: RepoRef) {
    const ns = this.namespace();
    return ns.get(ns.idFromName(`${this.projectId}:${repoKey(repo)}@${repo.branch}`));
  }

  /** The configured repository a caller names (`owner/name`), or the first one. */
  resolve(name?: string): RepoRef {
    if (!this.config.repos.length) throw new ApiError('not_configured', 'No repository is configured for indexing: set INDEX_REPOS (owner/name[@branch], comma-separated).');
    if (!name) return this.config.repos[0]!;
    const repo = this.config.repos.find((r) => repoKey(r).toLowerCase() === name.toLowerCase());
    if (!repo) throw new ApiError('repo_not_allowed', `${name.slice(0, 100)} is not an indexed repository (indexed: ${this.config.repos.map(repoKey).join(', ')}).`);
    return repo;
  }

  private spec(repo: RepoRef): RunSpec {
    return { repo, apiUrl: this.config.github.apiUrl, embedder: this.config.embedder, vectors: this.config.vectors, limits: this.config.limits, project: this.projectId };
  }

  /** Start a run; its start is published on the `index` topic by the object unless the caller does it (`announced`). */
  start(repo: RepoRef, trigger: RunTrigger, caller: Pick<Caller, 'label'>, queueIfRunning = false, announced = false): Promise<StartResult> {
    return this.stub(repo).start(this.spec(repo), trigger, caller.label, queueIfRunning, announced) as Promise<StartResult>;
  }

  /** The repository's top-level modules as indexed (bounded). */
  modules(repo: RepoRef, maxModules: number, maxSymbols: number): Promise<{ total: number; modules: ModuleSummary[] }> {
    return this.stub(repo).modules(maxModules, maxSymbols) as Promise<{ total: number; modules: ModuleSummary[] }>;
  }

  pruneVectors(repo: RepoRef): Promise<{ pruned: number; skipped: boolean }> {
    return this.stub(repo).pruneVectors() as Promise<{ pruned: number; skipped: boolean }>;
  }

  status(repo: RepoRef): Promise<IndexStatus> {
    return this.stub(repo).status() as Promise<IndexStatus>;
  }

  private async headCommit(repo: RepoRef): Promise<string | null> {
    try {
      return (await repoSourceFromEnv(this.env, this.config.github.apiUrl).head(repo)).commit;
    } catch {
      return null; // freshness then says stale: null ("unknown") rather than failing the search
    }
  }

  async freshness(repo: RepoRef): Promise<Freshness> {
    const { lastRun: _lastRun, ...freshness } = await this.freshnessReport(repo);
    return freshness;
  }

  /** Freshness and the last run's outcome: one object call and one GitHub request (the branch head). */
  async freshnessReport(repo: RepoRef): Promise<FreshnessReport> {
    const stub = this.stub(repo);
    const [indexed, head] = await Promise.all([stub.freshness() as Promise<FreshnessFacts>, this.headCommit(repo)]);
    return {
      indexedCommit: indexed.commit,
      headCommit: head,
      stale: head === null ? null : indexed.commit !== head,
      indexedAt: indexed.indexedAt,
      running: indexed.running,
      lastRun: indexed.lastRun,
    };
  }

  async search(repo: RepoRef, rawQuestion: string, options: SearchOptions, caller: Pick<Caller, 'client'>): Promise<SearchHit[]> {
    // A secret pasted into a question is neither sent to an embedding service nor echoed back.
    const question = publicQuery(rawQuestion);
    const stub = this.stub(repo);
    const filters: SearchFilters = { path: options.path, language: options.language };
    const embedder = embedderFor(this.config.embedder, this.env);
    const weights = weightsFor(embedder.id, this.config.searchWeights);
    let vector: { query: Float32Array; model: string } | { hits: RankedHit[] } | null = null;
    if (weights.vector > 0) {
      const [queryVector] = await embedder.embed([question]);
      if (this.config.vectors !== 'vectorize') {
        // The object only compares with vectors stored under this model: none after a model change, until re-indexed.
        vector = { query: queryVector!, model: embedder.id };
      } else if (((await stub.indexedCommit()) as { embedder: string | null }).embedder === embedder.id) {
        // Vectors from another model are not comparable with this query's: lexical signals alone until re-indexed.
        vector = { hits: await new VectorizeVectorStore(this.env.VECTORIZE as Vectorize, vectorizeNamespace(repoKey(repo))).query(queryVector!, CANDIDATES, filters) };
      }
    }
    const found = (await stub.searchFiles(question, filters, vector, options.k, CHUNKS_PER_FILE, weights)) as FileSearchResult;
    const byId = new Map(found.chunks.map((chunk) => [chunk.id, chunk]));
    const bound = caller.client === 'gpt' ? SNIPPET_BOUNDS.gpt : SNIPPET_BOUNDS.default;
    const hits: SearchHit[] = [];
    for (const hit of found.hits) {
      const chunk = byId.get(hit.chunkId);
      if (!chunk) continue;
      hits.push({
        repo: repoKey(repo),
        path: chunk.path,
        fileRank: hit.fileRank,
        startLine: chunk.startLine,
        endLine: chunk.endLine,
        symbol: chunk.symbol,
        kind: chunk.kind,
        language: chunk.language,
        score: Math.round(hit.score * 1e4) / 1e4,
        signals: hit.signals,
        summary: found.summaries[chunk.path] ?? null,
        snippet: boundedSnippet(chunk, question, bound),
        declaration: declarationOf(chunk.text),
      });
    }
    return hits;
  }
}

/** The question as it may be echoed, logged or embedded: with secret-looking strings redacted. */
export function publicQuery(question: string): string {
  return redactSecrets(question).text;
}
