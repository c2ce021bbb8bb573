import type { components } from '@octokit/openapi-types';
import type { PagePosition } from './paging';

/** GitHub's REST shapes as its OpenAPI description defines them, under the names this code uses. */
type S = components['schemas'];
export type RawRepository = S['full-repository'];
export type RawBranch = S['branch-with-protection'];
export type RawCommit = S['commit'];
export type RawCombinedStatus = S['combined-commit-status'];
export type RawCheckRun = S['check-run'];
export type RawWorkflowRun = S['workflow-run'];
export type RawJob = S['job'];
export type RawPullSimple = S['pull-request-simple'];
export type RawPull = S['pull-request'];
export type RawReview = S['pull-request-review'];
export type RawCodeSearchItem = S['code-search-result-item'];
export type RawRelease = S['release'];
export type RawShortBranch = S['short-branch'];
export type RawComparison = S['commit-comparison'];
export type RawGitTree = S['git-tree'];
export type RawBlob = S['blob'];

export interface RepoRef {
  owner: string;
  name: string;
  full: string;
}

/** The `{owner}` and `{repo}` parameters of GitHub's repository routes. */
export function repoPath(repo: RepoRef): { owner: string; repo: string } {
  return { owner: repo.owner, repo: repo.name };
}

export interface Page<T> {
  items: T[];
  /** Where the next slice starts, from GitHub's Link header; null on the last page. */
  next: PagePosition | null;
  totalCount?: number;
}
