import { GitHubClient, type RepoRef as GitHubRepo } from '../../github/client';
import { parseGitHubConnection } from '../../github/config';
import type { BranchHead, ChangedFile, Comparison, RepoRef, RepoSource, TreeFile } from './repo-source';

const COMPARE_FILE_LIMIT = 300;

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

  async tree(repo: RepoRef, treeSha: string): Promise<{ files: TreeFile[]; truncated: boolean }> {
    const data = await this.client.gitTree(githubRepo(repo), treeSha);
    const files = data.tree
      .filter((entry) => entry.type === 'blob' && entry.path && entry.sha && entry.mode !== '120000')
      .map((entry) => ({ path: entry.path!, sha: entry.sha!, size: entry.size ?? 0 }));
    return { files, truncated: data.truncated };
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
