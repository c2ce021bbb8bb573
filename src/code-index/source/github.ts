import { GitHubClient, type RepoRef as GitHubRepo } from '../../github/client';
import { parseGitHubConnection } from '../../github/config';
import type {
  BranchHead,
  ChangedFile,
  ChangeStatus,
  Comparison,
  HistoryCommit,
  RepoRef,
  RepoSource,
  TreeFile,
} from './repo-source';

const COMPARE_FILE_LIMIT = 300;
/** Tree requests one listing may make when GitHub truncates (one per directory walked; well under rate limits). */
const MAX_TREE_REQUESTS = 2_000;

function pushBlob(
  out: TreeFile[],
  prefix: string,
  entry: { type?: string; path?: string; sha?: string; mode?: string; size?: number },
): void {
  // Symbolic links (mode 120000) point elsewhere; sub-modules (commit) are other repositories.
  if (entry.type === 'blob' && entry.path && entry.sha && entry.mode !== '120000')
    out.push({ path: `${prefix}${entry.path}`, sha: entry.sha, size: entry.size ?? 0 });
}

function githubRepo(repo: RepoRef): GitHubRepo {
  return { owner: repo.owner, name: repo.name, full: `${repo.owner}/${repo.name}` };
}

/**
 * RepoSource over the shared GitHub client (api.github.com, GitHub Enterprise, or a local
 * stand-in): auth, base URL and error mapping live there. No retries here: the pipeline
 * retries whole batches from its checkpoint.
 */
export class GitHubRepoSource implements RepoSource {
  constructor(private readonly client: GitHubClient) {}

  async head(repo: RepoRef): Promise<BranchHead> {
    const head = await this.client.branchHead(githubRepo(repo), repo.branch);
    return { commit: head.sha, tree: head.tree };
  }

  /**
   * Every blob under a tree. GitHub cuts a recursive listing at 100,000 entries or 7 MB (a
   * repository of 50,000 files passes 7 MB); then, as GitHub advises, this tree is listed without
   * recursion and each sub-tree is fetched on its own, recursively, and split again if it too is cut.
   */
  async tree(repo: RepoRef, treeSha: string): Promise<{ files: TreeFile[]; truncated: boolean }> {
    const files: TreeFile[] = [];
    const truncated = await this.collect(repo, treeSha, '', files, { requests: 0 });
    return { files, truncated };
  }

  /** Appends the blobs under `treeSha` (at `prefix`) to `out`; true if some could not be listed. */
  private async collect(
    repo: RepoRef,
    treeSha: string,
    prefix: string,
    out: TreeFile[],
    budget: { requests: number },
  ): Promise<boolean> {
    const whole = await this.client.gitTree(githubRepo(repo), treeSha);
    budget.requests++;
    if (!whole.truncated) {
      for (const entry of whole.tree) pushBlob(out, prefix, entry);
      return false;
    }
    if (budget.requests >= MAX_TREE_REQUESTS) return true;
    const top = await this.client.gitTree(githubRepo(repo), treeSha, false);
    budget.requests++;
    let truncated = top.truncated;
    for (const entry of top.tree) {
      if (entry.type === 'tree' && entry.path && entry.sha) {
        if (budget.requests >= MAX_TREE_REQUESTS) return true;
        truncated = (await this.collect(repo, entry.sha, `${prefix}${entry.path}/`, out, budget)) || truncated;
      } else pushBlob(out, prefix, entry);
    }
    return truncated;
  }

  async compare(repo: RepoRef, base: string, head: string): Promise<Comparison> {
    const data = await this.client.compare(githubRepo(repo), base, head);
    const files: ChangedFile[] = (data.files ?? []).map((file) => ({
      status: file.status,
      path: file.filename,
      previousPath: file.previous_filename,
      sha: file.sha ?? undefined,
    }));
    const linear = data.status === 'ahead' || data.status === 'identical';
    return { files, complete: files.length < COMPARE_FILE_LIMIT, linear };
  }

  blob(repo: RepoRef, sha: string): Promise<Uint8Array> {
    return this.client.blob(githubRepo(repo), sha);
  }

  async commits(
    repo: RepoRef,
    from: string,
    page: number,
    perPage: number,
    until?: string,
  ): Promise<{ commits: HistoryCommit[]; more: boolean }> {
    const listed = await this.client.commits(githubRepo(repo), { sha: from, until }, { page, perPage });
    return {
      commits: listed.items.map((item) => ({
        sha: item.sha,
        message: item.commit.message,
        date: item.commit.committer?.date ?? item.commit.author?.date ?? '',
        parents: item.parents.length,
      })),
      more: listed.next !== null,
    };
  }

  async commitFiles(repo: RepoRef, sha: string): Promise<ChangedFile[]> {
    const data = await this.client.commit(githubRepo(repo), sha);
    return (data.files ?? []).map((file) => ({
      status: file.status as ChangeStatus,
      path: file.filename,
      previousPath: file.previous_filename,
    }));
  }

  rateRemaining(): number | null {
    return this.client.rateLimit?.remaining ?? null;
  }
}

/**
 * The indexer's source where no request services exist (the repo-index object, or a
 * freshness check): API root from the run spec, token from the env it runs in, never
 * from stored state. No answer cache, so no conditional requests.
 */
export function repoSourceFromEnv(env: Record<string, unknown>, apiUrl: string): GitHubRepoSource {
  return new GitHubRepoSource(
    new GitHubClient({ settings: parseGitHubConnection({ ...env, GITHUB_API_URL: apiUrl }) }),
  );
}
