import type { DumpQuestion } from '../../src/tools/eval/search-dump';

/** A dump question whose only list names `paths` (best first): what eval:evidence reads of a question. */
export function candidateQuestion(query: string, paths: string[]): DumpQuestion {
  return {
    query,
    relevant: [],
    searchRank: 0,
    bm25Rank: 0,
    codeBm25Rank: 0,
    lists: {
      files: paths.map((path, i) => ({ path, score: paths.length - i })),
      words: [],
      history: [],
      commits: [],
      lexical: [],
      vector: [],
    },
    docsLean: null,
    returnedFiles: 0,
  };
}
