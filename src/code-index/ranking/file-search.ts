import type { RankedHit, RepoIndexStore, SearchFilters, StoredChunk } from '../store/repo-index-store';
import { ftsQuery } from '../store/repo-index-store';
import { rankFiles, type ChunkCandidate, type FileCandidate, type FileRankWeights, type RankedFile } from './files';
import type { FileFacts } from './file-facts';
import type { TermEvidence } from './term-evidence';
import type { Signal } from './rank';
import type { FileHistory } from '../store/file-history';
import type { CochangePartners } from './cochange';

/** Candidates each list contributes before files are ranked. */
export const SEARCH_CANDIDATES = { files: 60, words: 60, history: 60, commits: 60, chunks: 100, vector: 60 };

export interface FileSearchResult {
  /** In rank order; a file's chunks are adjacent. */
  hits: { chunkId: number; path: string; fileRank: number; score: number; signals: Signal[] }[];
  chunks: StoredChunk[];
  /** Deterministic summaries of the files in `hits`, by path. */
  summaries: Record<string, string>;
  /** Model-written summaries of those files that have one, by path. */
  modelSummaries: Record<string, string>;
}

/** At most this many chunks of one file among a search's results. */
export const CHUNKS_PER_FILE = 2;

/** The candidate lists rankFiles fuses for one question. */
export interface CandidateLists {
  files: FileCandidate[];
  words: FileCandidate[];
  history: FileCandidate[];
  commits: FileCandidate[];
  lexical: ChunkCandidate[];
  vector: ChunkCandidate[];
}

type SearchHistory = Pick<FileHistory, 'files' | 'votes' | 'leans' | 'partners'>;

/** What the history says a question asks for: FileHistory.docsLean and testsLean (null: not known or not learned). */
export interface QuestionLeans {
  docsLean: number | null;
  /** Absent in evaluation dumps taken before the tests lean existed. */
  testsLean?: number | null;
}

/**
 * The lists a search ranks, and FileHistory.docsLean and testsLean of the question (null without
 * history, or when the weights do not learn docs or tests). A list whose weight is 0 is not gathered
 * unless `all` (an evaluation dump), which also always computes both leans.
 */
export function candidateLists(
  store: Pick<RepoIndexStore, 'files'>,
  question: string,
  filters: SearchFilters,
  vectorHits: RankedHit[],
  options: { weights: FileRankWeights; history?: SearchHistory; all?: boolean },
): { lists: CandidateLists; docsLean: number | null; testsLean: number | null } {
  const { weights, history, all = false } = options;
  const match = ftsQuery(question);
  const files = store.files;
  const paths = files.chunkPaths(vectorHits.map((hit) => hit.id));
  const vector: ChunkCandidate[] = vectorHits.flatMap((hit) =>
    paths.has(hit.id) ? [{ id: hit.id, path: paths.get(hit.id)!, score: hit.score }] : [],
  );
  const wanted = (weight: number) => all || weight > 0;
  return {
    lists: {
      files: match ? files.files(match, filters, SEARCH_CANDIDATES.files, weights.fileFields) : [],
      words: match && wanted(weights.words) ? files.words(match, filters, SEARCH_CANDIDATES.words) : [],
      history:
        match && history && wanted(weights.history) ? history.files(match, filters, SEARCH_CANDIDATES.history) : [],
      commits:
        match && history && wanted(weights.commits)
          ? history.votes(
              match,
              filters,
              { top: weights.commitsTop, alpha: weights.commitsAlpha },
              SEARCH_CANDIDATES.commits,
            )
          : [],
      lexical: match ? files.chunks(match, filters, SEARCH_CANDIDATES.chunks, weights.chunkFields) : [],
      vector,
    },
    ...(history
      ? history.leans(question, { docs: all || weights.learnedDocs, tests: all || weights.learnedTests })
      : { docsLean: null, testsLean: null }),
  };
}

/** rankFiles over gathered lists as a search ranks them: lists weighted 0 and leans not learned are left out. */
export function rankLists(
  question: string,
  lists: CandidateLists,
  leans: QuestionLeans,
  weights: FileRankWeights,
  /** File facts for the offline-only features (FileRankWeights.activity, size, recency); searches pass none. */
  facts?: (path: string) => FileFacts | undefined,
  /** Per-term evidence (FileRankWeights.coverage, span, defines, declares); a search passes `declares` only, when its weight is on. */
  evidence?: (path: string) => TermEvidence | undefined,
  /** Co-change partners (FileRankWeights.cochange): a search reads them from its history, only when that weight is on. */
  partners?: CochangePartners,
): RankedFile[] {
  const kept = (list: FileCandidate[], weight: number) => (weight > 0 ? list : []);
  return rankFiles(
    question,
    {
      ...lists,
      words: kept(lists.words, weights.words),
      history: kept(lists.history, weights.history),
      commits: kept(lists.commits, weights.commits),
      facts,
      evidence,
      partners,
    },
    weights,
    weights.learnedDocs ? leans.docsLean : null,
    weights.learnedTests ? (leans.testsLean ?? null) : null,
  );
}

/**
 * The hits of ranked files: each file brings its chunks scoring at least half its first, at most
 * `perFile` (a file without chunks its `fallback` chunk, none when that is null), `k` in all.
 */
export function fillHits(
  ranked: RankedFile[],
  k: number,
  perFile: number,
  fallback: (path: string) => number | null,
): FileSearchResult['hits'] {
  const hits: FileSearchResult['hits'] = [];
  for (const [position, file] of ranked.entries()) {
    if (hits.length >= k) break;
    const first = file.chunks[0];
    const chosen = file.chunks
      .filter((chunk) => chunk === first || chunk.score >= 0.5 * first!.score)
      .slice(0, perFile);
    if (!chosen.length) {
      const best = fallback(file.path);
      if (best !== null) chosen.push({ id: best, score: 0, signals: file.signals });
    }
    for (const chunk of chosen.slice(0, k - hits.length)) {
      hits.push({
        chunkId: chunk.id,
        path: file.path,
        fileRank: position + 1,
        score: file.score,
        signals: file.signals,
      });
    }
  }
  return hits;
}

/**
 * The `declares` evidence of a search's candidates, computed only when its weight is on (the other
 * per-term features are measured offline only and stay neutral here).
 */
export function declaresEvidence(
  files: RepoIndexStore['files'],
  question: string,
  lists: CandidateLists,
  weights: FileRankWeights,
): ((path: string) => TermEvidence | undefined) | undefined {
  if (!(weights.declares > 0)) return undefined;
  const paths = new Set(Object.values(lists).flatMap((list: { path: string }[]) => list.map((c) => c.path)));
  const values = files.declares([...paths], ftsQuery(question));
  return (path) => {
    const declares = values.get(path);
    return declares === undefined ? undefined : { coverage: 1, span: 1, defines: 0, declares };
  };
}

/**
 * One search inside a repository's index: file-level BM25, lexical chunks and the given vector
 * hits, ranked per file (rankFiles); each file brings up to `perFile` of its chunks (a further one
 * only when it scores at least half the first), `k` chunks in all.
 */
export function searchFiles(
  store: Pick<RepoIndexStore, 'files' | 'chunksByIds'>,
  question: string,
  filters: SearchFilters,
  vectorHits: RankedHit[],
  options: {
    k: number;
    perFile: number;
    weights: FileRankWeights;
    history?: SearchHistory;
  },
): FileSearchResult {
  const files = store.files;
  const { lists, ...leans } = candidateLists(store, question, filters, vectorHits, options);
  const ranked = rankLists(
    question,
    lists,
    leans,
    options.weights,
    undefined,
    declaresEvidence(files, question, lists, options.weights),
    options.weights.cochange > 0 && options.history ? (paths) => options.history!.partners(paths) : undefined,
  );
  const hits = fillHits(ranked, options.k, options.perFile, (path) => files.bestChunkOf(path, question));
  const hitPaths = [...new Set(hits.map((hit) => hit.path))];
  return {
    hits,
    chunks: store.chunksByIds(hits.map((hit) => hit.chunkId)),
    summaries: Object.fromEntries(files.summaries(hitPaths)),
    modelSummaries: Object.fromEntries(files.modelSummaries(hitPaths)),
  };
}
