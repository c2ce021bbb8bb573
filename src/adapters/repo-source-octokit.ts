import { Octokit } from 'octokit';
import { ApiError } from '../errors';
import type { BranchHead, ChangedFile, Comparison, RepoRef, RepoSource, TreeFile } from '../indexing/repo-source';

const COMPARE_FILE_LIMIT = 300;

/** Turn an octokit failure into the service's error vocabulary; the upstream body stays internal. */
export function gitHubError(error: unknown, what: string): ApiError {
  const status = (error as { status?: number }).status;
  const headers = ((error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}) as Record<string, string>;
  if (status === undefined) return new ApiError('upstream_unavailable', `GitHub could not be reached while reading ${what}.`, { internal: error });
  if (status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0')) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter = Number(headers['retry-after']) || (reset ? Math.max(1, reset - Math.floor(Date.now() / 1000)) : 60);
    return new ApiError('rate_limited', `GitHub's rate limit was hit while reading ${what}.`, { extra: { retryAfter }, headers: { 'retry-after': String(retryAfter) }, internal: error });
  }
  if (status === 404) return new ApiError('not_found', `GitHub has no ${what} (or the token cannot see it).`, { internal: error });
  if (status === 401 || status === 403) return new ApiError('upstream_error', `GitHub refused to show ${what} (status ${status}): check GITHUB_TOKEN's access.`, { internal: error });
  if (status >= 500) return new ApiError('upstream_error', `GitHub failed while reading ${what} (status ${status}).`, { internal: error });
  return new ApiError('upstream_error', `GitHub answered ${status} while reading ${what}.`, { internal: error });
}

export interface OctokitRepoSourceOptions {
  baseUrl: string;
  token?: string;
}

/** RepoSource over GitHub's REST API (api.github.com, GitHub Enterprise, or a local stand-in). */
export class OctokitRepoSource implements RepoSource {
  private readonly octokit: Octokit;

  constructor(options: OctokitRepoSourceOptions) {
    this.octokit = new Octokit({
      baseUrl: options.baseUrl.replace(/\/$/, ''),
      auth: options.token,
      userAgent: 'hezlep-ops-orchestrator-indexer',
      // The pipeline retries whole batches from its checkpoint; the plugins would only hide time.
      throttle: { enabled: false },
      retry: { enabled: false },
      request: { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) },
    });
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw gitHubError(error, what);
    }
  }

  head(repo: RepoRef): Promise<BranchHead> {
    return this.call(`branch ${repo.branch} of ${repo.owner}/${repo.name}`, async () => {
      const { data } = await this.octokit.rest.repos.getBranch({ owner: repo.owner, repo: repo.name, branch: repo.branch });
      return { commit: data.commit.sha, tree: data.commit.commit.tree.sha };
    });
  }

  tree(repo: RepoRef, treeSha: string): Promise<{ files: TreeFile[]; truncated: boolean }> {
    return this.call(`the tree of ${repo.owner}/${repo.name}`, async () => {
      const { data } = await this.octokit.rest.git.getTree({ owner: repo.owner, repo: repo.name, tree_sha: treeSha, recursive: 'true' });
      const files = data.tree
        .filter((entry) => entry.type === 'blob' && entry.path && entry.sha && entry.mode !== '120000')
        .map((entry) => ({ path: entry.path!, sha: entry.sha!, size: entry.size ?? 0 }));
      return { files, truncated: data.truncated };
    });
  }

  compare(repo: RepoRef, base: string, head: string): Promise<Comparison> {
    return this.call(`the comparison ${base.slice(0, 7)}...${head.slice(0, 7)} in ${repo.owner}/${repo.name}`, async () => {
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({ owner: repo.owner, repo: repo.name, basehead: `${base}...${head}` });
      const files: ChangedFile[] = (data.files ?? []).map((file) => ({
        status: file.status,
        path: file.filename,
        previousPath: file.previous_filename,
        sha: file.sha ?? undefined,
      }));
      const linear = data.status === 'ahead' || data.status === 'identical';
      return { files, complete: files.length < COMPARE_FILE_LIMIT, linear };
    });
  }

  blob(repo: RepoRef, sha: string): Promise<Uint8Array> {
    return this.call(`blob ${sha.slice(0, 12)} in ${repo.owner}/${repo.name}`, async () => {
      const { data } = await this.octokit.rest.git.getBlob({ owner: repo.owner, repo: repo.name, file_sha: sha });
      if (data.encoding !== 'base64') return new TextEncoder().encode(data.content);
      const binary = atob(data.content.replace(/\n/g, ''));
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return bytes;
    });
  }
}
