/** Which repository and branch an index follows. */
export interface RepoRef {
  owner: string;
  name: string;
  branch: string;
}

export function repoKey(repo: Pick<RepoRef, 'owner' | 'name'>): string {
  return `${repo.owner}/${repo.name}`;
}

export interface BranchHead {
  commit: string;
  tree: string;
}

export interface TreeFile {
  path: string;
  /** Git blob id: equal ids mean equal content. */
  sha: string;
  size: number;
}

export type ChangeStatus = 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface ChangedFile {
  status: ChangeStatus;
  path: string;
  previousPath?: string;
  sha?: string;
}

export interface Comparison {
  files: ChangedFile[];
  /** False when the upstream cut the list (GitHub lists at most 300 files): the caller must diff trees instead. */
  complete: boolean;
  /** False when `base` is not an ancestor of `head` (force-push): diffing trees is the safe path. */
  linear: boolean;
}

/** A commit as the history walk lists it (newest first). */
export interface HistoryCommit {
  sha: string;
  /** The whole message (subject, blank line, body). */
  message: string;
  /** Committer date, ISO 8601. */
  date: string;
  parents: number;
}

/**
 * The few GitHub reads the indexer needs, behind one port so the shared GitHub client
 * can replace the adapter later without touching the pipeline.
 */
export interface RepoSource {
  head(repo: RepoRef): Promise<BranchHead>;
  /** Every blob in the tree, recursively. `truncated` says the upstream cut the listing. */
  tree(repo: RepoRef, treeSha: string): Promise<{ files: TreeFile[]; truncated: boolean }>;
  compare(repo: RepoRef, base: string, head: string): Promise<Comparison>;
  blob(repo: RepoRef, sha: string): Promise<Uint8Array>;
  /** One page of the commits reachable from `from`, newest first; `until` (ISO) leaves out later ones. */
  commits(
    repo: RepoRef,
    from: string,
    page: number,
    perPage: number,
    until?: string,
  ): Promise<{ commits: HistoryCommit[]; more: boolean }>;
  /** The files one commit changed against its first parent (at most 300). */
  commitFiles(repo: RepoRef, sha: string): Promise<ChangedFile[]>;
  /** Requests left in the upstream's rate-limit window as last reported, or null when unknown. */
  rateRemaining(): number | null;
}
