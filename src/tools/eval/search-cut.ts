import type { RankedFile } from '../../code-index/ranking/files';

/** /ai/search's hits per question and chunks per file (eval:search asks k = 20; CHUNKS_PER_FILE in code-index/service.ts). */
export const SEARCH_HITS = 20;
export const SEARCH_CHUNKS_PER_FILE = 2;

/**
 * How many hits a ranked file takes in searchFiles (ranking/file-search.ts): its chunks scoring at
 * least half its first, at most `perFile`, or 1 (its best chunk, looked up) when it has none.
 */
export function hitsOfFile(chunkScores: readonly number[], perFile = SEARCH_CHUNKS_PER_FILE): number {
  if (!chunkScores.length) return 1;
  const first = chunkScores[0]!;
  let taken = 1;
  for (const score of chunkScores.slice(1)) if (taken < perFile && score >= 0.5 * first) taken++;
  return taken;
}

/** The distinct files /ai/search returns for a ranking: files in order until `k` hits are filled. */
export function returnedPaths(
  ranked: readonly RankedFile[],
  k = SEARCH_HITS,
  perFile = SEARCH_CHUNKS_PER_FILE,
): string[] {
  const paths: string[] = [];
  let hits = 0;
  for (const file of ranked) {
    if (hits >= k) break;
    paths.push(file.path);
    hits += hitsOfFile(
      file.chunks.map((chunk) => chunk.score),
      perFile,
    );
  }
  return paths;
}
