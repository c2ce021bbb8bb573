import type { RankedHit, RepoIndexStore, SearchFilters, StoredChunk } from '../store/repo-index-store';
import { ftsQuery } from '../store/repo-index-store';
import { rankFiles, type ChunkCandidate, type FileRankWeights } from './files';
import type { Signal } from './rank';
import type { FileHistory } from '../store/file-history';

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
    history?: Pick<FileHistory, 'files' | 'votes' | 'docsLean'>;
  },
): FileSearchResult {
  const match = ftsQuery(question);
  const files = store.files;
  const paths = files.chunkPaths(vectorHits.map((hit) => hit.id));
  const vector: ChunkCandidate[] = vectorHits.flatMap((hit) =>
    paths.has(hit.id) ? [{ id: hit.id, path: paths.get(hit.id)!, score: hit.score }] : [],
  );
  const ranked = rankFiles(
    question,
    {
      files: match ? files.files(match, filters, SEARCH_CANDIDATES.files, options.weights.fileFields) : [],
      words: match && options.weights.words > 0 ? files.words(match, filters, SEARCH_CANDIDATES.words) : [],
      history:
        match && options.history && options.weights.history > 0
          ? options.history.files(match, filters, SEARCH_CANDIDATES.history)
          : [],
      commits:
        match && options.history && options.weights.commits > 0
          ? options.history.votes(
              match,
              filters,
              { top: options.weights.commitsTop, alpha: options.weights.commitsAlpha },
              SEARCH_CANDIDATES.commits,
            )
          : [],
      lexical: match ? files.chunks(match, filters, SEARCH_CANDIDATES.chunks, options.weights.chunkFields) : [],
      vector,
    },
    options.weights,
    options.history && options.weights.learnedDocs ? options.history.docsLean(question) : null,
  );
  const hits: FileSearchResult['hits'] = [];
  for (const [position, file] of ranked.entries()) {
    if (hits.length >= options.k) break;
    const first = file.chunks[0];
    const chosen = file.chunks
      .filter((chunk) => chunk === first || chunk.score >= 0.5 * first!.score)
      .slice(0, options.perFile);
    if (!chosen.length) {
      const best = files.bestChunkOf(file.path, question);
      if (best !== null) chosen.push({ id: best, score: 0, signals: file.signals });
    }
    for (const chunk of chosen.slice(0, options.k - hits.length)) {
      hits.push({
        chunkId: chunk.id,
        path: file.path,
        fileRank: position + 1,
        score: file.score,
        signals: file.signals,
      });
    }
  }
  const hitPaths = [...new Set(hits.map((hit) => hit.path))];
  return {
    hits,
    chunks: store.chunksByIds(hits.map((hit) => hit.chunkId)),
    summaries: Object.fromEntries(files.summaries(hitPaths)),
    modelSummaries: Object.fromEntries(files.modelSummaries(hitPaths)),
  };
}
