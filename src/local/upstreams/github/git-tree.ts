/**
 * GitHub's cut of a recursive tree listing: at most 100,000 entries and 7 MB of JSON, beyond
 * which the answer holds what fitted and says `truncated: true` (the caller must then list
 * sub-trees one at a time). A fixture may set lower limits, so tests reach the cut with a few files.
 */
export interface TreeLimits {
  entries: number;
  bytes: number;
}

export const GITHUB_TREE_LIMITS: TreeLimits = { entries: 100_000, bytes: 7 * 1024 * 1024 };

export function cutTree<T>(entries: T[], limits: TreeLimits): { tree: T[]; truncated: boolean } {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += JSON.stringify(entries[i]).length + 1;
    if (i >= limits.entries || bytes > limits.bytes) return { tree: entries.slice(0, i), truncated: true };
  }
  return { tree: entries, truncated: false };
}
