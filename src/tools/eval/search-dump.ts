import type { ChunkCandidate, FileCandidate, FileRankWeights } from '../../code-index/ranking/files';

/** The inputs rankFiles saw for one question: every list gathered, whatever its weight. */
export interface DumpLists {
  files: FileCandidate[];
  words: FileCandidate[];
  history: FileCandidate[];
  commits: FileCandidate[];
  lexical: ChunkCandidate[];
  vector: ChunkCandidate[];
}

export interface DumpQuestion {
  query: string;
  relevant: string[];
  /** The commit the question comes from (history-derived questions), if any. */
  commit?: string;
  /** Rank of the first relevant file (0 = not in the top 20 files) in this run. */
  searchRank: number; // /ai/search, as eval:search measured it
  bm25Rank: number; // BM25 over all indexed files
  codeBm25Rank: number; // BM25 over code files only
  lists: DumpLists;
  /** FileHistory.docsLean(question), or null. */
  docsLean: number | null;
  /** Distinct files /ai/search returned for this question (its 20 hits hold up to 2 chunks per file). */
  returnedFiles: number;
}

/** Facts about a file named in any list (for features the ranking may learn to use). */
export interface DumpFile {
  /** Size of the indexed text in lines (or null if unknown). */
  lines: number | null;
  /** Walked history commits (before the time split's cut-off) that changed the file. */
  commits: number;
  /** ISO date of the newest walked commit that changed it, or null. */
  lastChange: string | null;
}

export interface SearchDump {
  version: 1;
  name: string;
  commit: string;
  files: number;
  chunks: number;
  /** The time split's cut-off (INDEX_HISTORY_UNTIL), or null. */
  until: string | null;
  /** The object's ranking weights when the dump was taken (what searchRank was ranked with). */
  weights: FileRankWeights;
  questions: DumpQuestion[];
  filesFacts: Record<string, DumpFile>;
}
