import type { FileFacts } from '../../code-index/ranking/file-facts';
import type { FileRankWeights } from '../../code-index/ranking/files';
import type { TermEvidence } from '../../code-index/ranking/term-evidence';
import { type CandidateLists, CHUNKS_PER_FILE, fillHits, rankLists } from '../../code-index/ranking/file-search';
import { firstRelevantRank } from './metrics';
import type { CochangePartners } from '../../code-index/ranking/cochange';
import type { QuestionKind } from './subjects';

// The dump format, shared with the offline tuner (eval:tune): the lists are exactly candidateLists' answer.

/** The inputs rankFiles saw for one question: every list gathered, whatever its weight (candidateLists with `all`). */
export type DumpLists = CandidateLists;

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
  /** FileHistory.testsLean(question), or null; absent in dumps taken before it existed (ranked as null). */
  testsLean?: number | null;
  /** Distinct files /ai/search returned in its k = 20 hits. */
  returnedFiles: number;
  /** The question set: absent for code questions (dumps before role questions have none), else docs or tests. */
  kind?: QuestionKind;
  /** Role questions: rank in BM25 over that role's files only (pathRole docs or test). */
  roleBm25Rank?: number;
}

/** Facts about a file named in any list (for features the ranking may learn to use). */
export interface DumpFile {
  /** Size of the indexed text in lines (or null if unknown). */
  lines: number | null;
  /** Walked history commits (before the time split's cut-off) that changed the file. */
  commits: number;
  /** ISO date of the newest walked commit that changed it, or null. */
  lastChange: string | null;
  /** A file the path prior may demote: its most bound source partners in walked commits and their shares (absent in older dumps). */
  partners?: [path: string, share: number][];
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

/** What GET /ai/search/lists answers (src/local/search-lists.ts, bound with EVAL_SEARCH_LISTS=1). */
export interface ListsAnswer {
  question: string;
  weights: FileRankWeights;
  lists: DumpLists;
  docsLean: number | null;
  testsLean: number | null;
  files: Record<string, DumpFile>;
}

/** Results /ai/search is asked for per question in eval:search (the route's maximum). */
export const SEARCH_K = 20;

/**
 * A search re-run offline from its lists: ranked as searchFiles ranks them (rankLists: lists weighted 0 left
 * out, the leans only when learned), cut as searchFiles fills its k hits (fillHits: up to CHUNKS_PER_FILE
 * chunks a file, one for a file without chunks). The files in order, their count, and the first relevant one's rank.
 */
export function reproduceSearch(
  question: Pick<DumpQuestion, 'query' | 'relevant' | 'lists' | 'docsLean' | 'testsLean'>,
  weights: FileRankWeights,
  k = SEARCH_K,
  /** File facts, for the offline-only ranking features (eval:tune); none in a dump's own check. */
  facts?: (path: string) => FileFacts | undefined,
  /** Per-term evidence of the question's candidates (eval:evidence), for the offline-only evidence features. */
  evidence?: (path: string) => TermEvidence | undefined,
  /** Co-change partners recorded in the dump (dumpPartners), for FileRankWeights.cochange. */
  partners?: CochangePartners,
): { files: string[]; searchRank: number; returnedFiles: number } {
  const ranked = rankLists(question.query, question.lists, question, weights, facts, evidence, partners);
  const files = [...new Set(fillHits(ranked, k, CHUNKS_PER_FILE, () => -1).map((hit) => hit.path))];
  return { files, searchRank: firstRelevantRank(files, question.relevant), returnedFiles: files.length };
}

/** The questions of a dump whose offline reproduction differs from what /ai/search returned. */
export function dumpMismatches(dump: Pick<SearchDump, 'questions' | 'weights' | 'filesFacts'>): DumpQuestion[] {
  const partners = dumpPartners(dump.filesFacts);
  return dump.questions.filter((question) => {
    const again = reproduceSearch(question, dump.weights, SEARCH_K, undefined, undefined, partners);
    return again.searchRank !== question.searchRank || again.returnedFiles !== question.returnedFiles;
  });
}

/** The co-change partners a dump recorded per file, as a search reads them from its history. */
export function dumpPartners(files: Record<string, DumpFile>): CochangePartners {
  return (paths) =>
    new Map(
      paths.flatMap((path) => {
        const partners = files[path]?.partners;
        return partners ? [[path, partners.map(([partner, share]) => ({ path: partner, share }))] as const] : [];
      }),
    );
}
