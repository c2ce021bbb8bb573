/** File-level retrieval figures over a query set: a query's rank is that of its first relevant file. */
export interface RetrievalFigures {
  queries: number;
  recall1: number;
  recall5: number;
  recall10: number;
  mrr: number;
}

/** 1-based rank of the first relevant file in a ranked list of paths (duplicates count once), or 0 when absent. */
export function firstRelevantRank(paths: string[], relevant: string[]): number {
  const files: string[] = [];
  for (const path of paths) if (!files.includes(path)) files.push(path);
  return files.findIndex((path) => relevant.includes(path)) + 1;
}

/** recall@1/5/10 and MRR (reciprocal rank, 0 beyond the list) from per-query ranks. */
export function figures(ranks: number[]): RetrievalFigures {
  const n = Math.max(1, ranks.length);
  const within = (k: number) => ranks.filter((rank) => rank >= 1 && rank <= k).length / n;
  return {
    queries: ranks.length,
    recall1: within(1),
    recall5: within(5),
    recall10: within(10),
    mrr: ranks.reduce((sum, rank) => sum + (rank ? 1 / rank : 0), 0) / n,
  };
}

export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
