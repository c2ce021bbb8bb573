import type { CommitSummary, ComparisonSummary, JobSummary, PullSummary, RepoOverview, RunSummary } from './shape';
import type { CodeSearchHit } from './code-search-hit';

/* The short answers GitHubService gives: each fits the size bound and says when it was cut (truncated, nextCursor). */

export interface CommitFilters {
  branch?: string;
  path?: string;
  since?: string;
  until?: string;
  author?: string;
}

export interface CommitsAnswer {
  repo: string;
  branch: string | null;
  commits: CommitSummary[];
  nextCursor: string | null;
  truncated: boolean;
}

export interface RunsAnswer {
  repo: string;
  totalCount: number;
  runs: RunSummary[];
  nextCursor: string | null;
  truncated: boolean;
}

export interface RunDetailAnswer {
  repo: string;
  run: RunSummary;
  jobs: JobSummary[];
  failedJobs: number;
  truncated: boolean;
}

export interface PullsAnswer {
  repo: string;
  state: string;
  pulls: PullSummary[];
  nextCursor: string | null;
  truncated: boolean;
}

export interface SearchAnswer {
  repo: string;
  query: string;
  totalCount: number;
  /** GitHub's own flag: its search timed out and the counts may be partial. */
  incomplete: boolean;
  hits: CodeSearchHit[];
  nextCursor: string | null;
  truncated: boolean;
}

export interface ActivityAnswer {
  repo: string;
  commits: CommitSummary[];
  runs: RunSummary[];
  truncated: boolean;
}

export type RepoAnswer = RepoOverview & { repo: string; truncated: boolean };

/** A comparison with the check state of its newest commits (read fresh: checks change, the pair does not). */
export type ComparisonAnswer = Omit<ComparisonSummary, 'commits'> & {
  commits: (ComparisonSummary['commits'][number] & { checks: CommitSummary['checks'] | null })[];
};
