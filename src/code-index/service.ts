import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import { repoSourceFromEnv } from './source/github';
import { VectorizeVectorStore, vectorScope } from './store/vectorize';
import { vectorizeBinding } from './bindings';
import type {
  FreshnessFacts,
  IndexSearchResult,
  IndexStatus,
  RepoIndexObject,
  StartResult,
  VectorQuery,
} from './repo-index-object';
import type { ModuleSummary } from './store/repo-index-store';
import type { SearchFilters } from './store/repo-index-store';
import type { IndexConfig } from './config';
import { embedderFor } from './embedding/embedders';
import type { Embedder } from './embedding/embedder';
import { boundedSnippet, SNIPPET_BOUNDS } from './ranking/rank';
import { weightsFor } from './ranking/files';
import { CHUNKS_PER_FILE } from './ranking/file-search';
import { repoKey, type RepoRef } from './source/repo-source';
import type { RunTrigger } from './pipeline/run';
import { redactSecrets } from '../redaction/secrets';
import { declarationOf } from '../redaction/exposure';
import type { Freshness, SearchHit } from './search-hit';

export interface FreshnessReport extends Freshness {
  /** How the last finished run ended, or null before the first one. */
  lastRun: FreshnessFacts['lastRun'];
}

/** Which backends the index uses, for /ai/status. */
export interface IndexBackends {
  embedder: string;
  embedderKind: 'local' | 'openai' | 'workers-ai';
  vectorStore: 'embedded' | 'vectorize';
  bindings: 'cloudflare' | 'local';
  deployed: boolean;
}

/** Distinct older commits compared with the head per search (hits indexed at others say changedSince: null). */
const MAX_COMPARES = 3;

export interface SearchOptions {
  k: number;
  path?: string;
  language?: string;
}

/** Vector candidates an external store contributes before files are ranked. */
const CANDIDATES = 60;

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
    if (!binding)
      throw new ApiError(
        'misconfigured',
        'Service configuration is invalid: the REPO_INDEX Durable Object binding is missing',
      );
    return binding;
  }

  stub(repo: RepoRef) {
    const ns = this.namespace();
    return ns.get(ns.idFromName(`${this.projectId}:${repoKey(repo)}@${repo.branch}`));
  }

  /** The configured repository a caller names (`owner/name`), or the first one. */
  resolve(name?: string): RepoRef {
    if (!this.config.repos.length)
      throw new ApiError(
        'not_configured',
        'No repository is configured for indexing: set INDEX_REPOS (owner/name[@branch], comma-separated).',
      );
    if (!name) return this.config.repos[0]!;
    const repo = this.config.repos.find((r) => repoKey(r).toLowerCase() === name.toLowerCase());
    if (!repo)
      throw new ApiError(
        'repo_not_allowed',
        `${name.slice(0, 100)} is not an indexed repository (indexed: ${this.config.repos.map(repoKey).join(', ')}).`,
      );
    return repo;
  }

  /** Start a run (the object announces it on the `index` topic); callers go through startIndexRun, which audits first. */
  async start(
    repo: RepoRef,
    trigger: RunTrigger,
    caller: Pick<Caller, 'label'>,
    queueIfRunning = false,
  ): Promise<StartResult> {
    return this.stub(repo).start(repo, this.projectId, trigger, caller.label, queueIfRunning) as Promise<StartResult>;
  }

  backends(): IndexBackends {
    const { embedder, vectors, bindings, deployed } = this.config;
    const id = embedder.kind === 'local' ? `local-hash-${embedder.dimensions}` : `${embedder.kind}:${embedder.model}`;
    return { embedder: id, embedderKind: embedder.kind, vectorStore: vectors, bindings, deployed };
  }

  /** The query-side vector store (Vectorize is read from the Worker; the embedded one lives in the object). */
  private async vectorize(repo: RepoRef, embedder: Embedder): Promise<VectorizeVectorStore> {
    const binding = vectorizeBinding(this.env, this.config.bindings, {
      name: this.config.vectorizeIndex,
      dimensions: embedder.dimensions,
    });
    return new VectorizeVectorStore(binding, await vectorScope(this.projectId, repo));
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

  /**
   * The status and its freshness from one read of the object (so the indexed commit, the
   * run in progress and the last run always agree), plus the branch head.
   */
  async statusReport(repo: RepoRef): Promise<IndexStatus & { freshness: Freshness }> {
    const [status, head] = await Promise.all([this.status(repo), this.headCommit(repo)]);
    const freshness = freshnessOf(
      { commit: status.indexedCommit, indexedAt: status.indexedAt, running: status.running !== null },
      head,
    );
    return { ...status, freshness };
  }

  private async headCommit(repo: RepoRef): Promise<string | null> {
    try {
      return (await repoSourceFromEnv(this.env, this.config.github.apiUrl).head(repo)).commit;
    } catch {
      return null; // freshness then says stale: null ("unknown") rather than failing the search
    }
  }

  /** Freshness and the last run's outcome: one object call and one GitHub request (the branch head). */
  async freshnessReport(repo: RepoRef): Promise<FreshnessReport> {
    const stub = this.stub(repo);
    const [indexed, head] = await Promise.all([stub.freshness() as Promise<FreshnessFacts>, this.headCommit(repo)]);
    return { ...freshnessOf(indexed, head), lastRun: indexed.lastRun };
  }

  /** Hits with their snippets, plus the index's freshness facts and the commit each hit's file was indexed at. */
  private async search(
    repo: RepoRef,
    rawQuestion: string,
    options: SearchOptions,
    caller: Pick<Caller, 'client'>,
  ): Promise<{ hits: SearchHit[]; facts: FreshnessFacts; fileCommits: Record<string, string | null> }> {
    // A secret pasted into a question is neither sent to an embedding service nor echoed back.
    const question = publicQuery(rawQuestion);
    const stub = this.stub(repo);
    const filters: SearchFilters = { path: options.path, language: options.language };
    const vector = await this.vectorQuery(repo, question, filters);
    // The object ranks with the weights of its own env (the same deployment's SEARCH_WEIGHTS and embedder).
    const found = (await stub.searchFiles(question, filters, vector, options.k, CHUNKS_PER_FILE)) as IndexSearchResult;
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
        modelSummary: found.modelSummaries?.[chunk.path] ?? null,
        history: found.history?.[chunk.path] ?? [],
        snippet: boundedSnippet(chunk, question, bound),
        declaration: declarationOf(chunk.text, chunk.symbol),
        indexedCommit: null,
        changedSince: null,
      });
    }
    return { hits, facts: found.freshness, fileCommits: found.fileCommits };
  }

  /**
   * The vector side of a search of (already public) `question`: the query vector for the object to compare
   * with its embedded vectors, Vectorize's hits, or null (vector weight 0, or vectors of another model).
   */
  async vectorQuery(repo: RepoRef, question: string, filters: SearchFilters): Promise<VectorQuery | null> {
    const embedder = embedderFor(this.config.embedder, this.env, this.config.bindings);
    if (weightsFor(embedder.id, this.config.searchWeights).vector <= 0) return null;
    const [queryVector] = await embedder.embed([question]);
    // The object only compares with vectors stored under this model: none after a model change, until re-indexed.
    if (this.config.vectors !== 'vectorize') return { query: queryVector!, model: embedder.id };
    // Vectors from another model are not comparable with this query's: lexical signals alone until re-indexed.
    if (((await this.stub(repo).indexedCommit()) as { embedder: string | null }).embedder !== embedder.id) return null;
    return { hits: await (await this.vectorize(repo, embedder)).query(queryVector!, CANDIDATES, filters) };
  }

  /** Search, with the index's freshness and, per hit, the commit its file was indexed at and whether it changed since. */
  async searchWithFreshness(
    repo: RepoRef,
    question: string,
    options: SearchOptions,
    caller: Pick<Caller, 'client'>,
  ): Promise<{ results: SearchHit[]; freshness: Freshness }> {
    // One object call (hits, freshness facts, file commits) beside one GitHub request (the head).
    const [found, head] = await Promise.all([this.search(repo, question, options, caller), this.headCommit(repo)]);
    const freshness = freshnessOf(found.facts, head);
    return { results: await this.hitFreshness(repo, found.hits, found.fileCommits, head), freshness };
  }

  private async hitFreshness(
    repo: RepoRef,
    hits: SearchHit[],
    commits: Record<string, string | null>,
    head: string | null,
  ): Promise<SearchHit[]> {
    if (!hits.length) return hits;
    const older = [...new Set(Object.values(commits).filter((c): c is string => !!c && c !== head))].slice(
      0,
      MAX_COMPARES,
    );
    const changed = new Map<string, { paths: Set<string>; complete: boolean } | null>();
    if (head) {
      const source = repoSourceFromEnv(this.env, this.config.github.apiUrl);
      await Promise.all(
        older.map(async (commit) => {
          try {
            const comparison = await source.compare(repo, commit, head);
            const paths = new Set(
              comparison.files.flatMap((file) => (file.previousPath ? [file.path, file.previousPath] : [file.path])),
            );
            changed.set(commit, { paths, complete: comparison.complete });
          } catch {
            changed.set(commit, null); // unknown rather than failing the search
          }
        }),
      );
    }
    return hits.map((hit) => {
      const commit = commits[hit.path] ?? null;
      let changedSince: boolean | null = null;
      if (commit && head) {
        const diff = commit === head ? { paths: new Set<string>(), complete: true } : changed.get(commit);
        if (diff) changedSince = diff.paths.has(hit.path) ? true : diff.complete ? false : null;
      }
      return { ...hit, indexedCommit: commit, changedSince };
    });
  }
}

/** The question as it may be echoed, logged or embedded: with secret-looking strings redacted. */
export function publicQuery(question: string): string {
  return redactSecrets(question).text;
}

/** The index against the branch head: stale when the branch moved past the indexed commit, null when the head is unknown. */
function freshnessOf(
  indexed: Pick<FreshnessFacts, 'commit' | 'indexedAt' | 'running'>,
  head: string | null,
): Freshness {
  return {
    indexedCommit: indexed.commit,
    headCommit: head,
    stale: head === null ? null : indexed.commit !== head,
    indexedAt: indexed.indexedAt,
    running: indexed.running,
  };
}
