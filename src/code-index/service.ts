import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import { repoSourceFromEnv } from './source/github';
import { VectorizeVectorStore, vectorizeNamespace } from './store/vectorize';
import type { FreshnessFacts, IndexStatus, RepoIndexObject, StartResult } from './repo-index-object';
import type { ModuleSummary } from './store/repo-index-store';
import type { RankedHit, SearchFilters, StoredChunk } from './store/repo-index-store';
import type { IndexConfig } from './config';
import { embedderFor } from './embedding/embedders';
import { boundedSnippet, fuseRankings, SNIPPET_BOUNDS, type Signal, type Snippet } from './ranking/rank';
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
  startLine: number;
  endLine: number;
  symbol: string | null;
  kind: string;
  language: string;
  score: number;
  signals: Signal[];
  snippet: Snippet;
  /** Signature and doc comment at the chunk's start: what the gpt client sees instead of code (src/redaction/exposure.ts). */
  declaration: Declaration;
}

export interface SearchOptions {
  k: number;
  path?: string;
  language?: string;
}

/** Candidates each signal contributes before fusion. */
const CANDIDATES = 50;

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
    const indexed = (await stub.indexedCommit()) as { embedder: string | null };
    const embedder = embedderFor(this.config.embedder, this.env);
    const lexicalP = stub.lexical(question, filters, CANDIDATES) as Promise<RankedHit[]>;
    let vector: RankedHit[] = [];
    // Vectors from another model are not comparable with this query's: use the lexical signal alone until re-indexed.
    if (indexed.embedder === embedder.id) {
      const [queryVector] = await embedder.embed([question]);
      vector =
        this.config.vectors === 'vectorize'
          ? await new VectorizeVectorStore(this.env.VECTORIZE as Vectorize, vectorizeNamespace(repoKey(repo))).query(queryVector!, CANDIDATES, filters)
          : ((await stub.vectorSearch(queryVector!, embedder.id, filters, CANDIDATES)) as RankedHit[]);
    }
    const fused = fuseRankings({ lexical: await lexicalP, vector }).slice(0, options.k);
    const chunks = (await stub.chunks(fused.map((hit) => hit.id))) as StoredChunk[];
    const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
    const bound = caller.client === 'gpt' ? SNIPPET_BOUNDS.gpt : SNIPPET_BOUNDS.default;
    const hits: SearchHit[] = [];
    for (const hit of fused) {
      const chunk = byId.get(hit.id);
      if (!chunk) continue;
      hits.push({
        repo: repoKey(repo),
        path: chunk.path,
        startLine: chunk.startLine,
        endLine: chunk.endLine,
        symbol: chunk.symbol,
        kind: chunk.kind,
        language: chunk.language,
        score: Math.round(hit.score * 1e5) / 1e5,
        signals: (Object.keys(hit.ranks) as Signal[]).sort(),
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
