import type {
  RawCheckRun,
  RawCombinedStatus,
  RawCommit,
  RawJob,
  RawPull,
  RawPullSimple,
  RawComparison,
  RawRelease,
  RawRepository,
  RawReview,
  RawShortBranch,
  RawWorkflowRun,
} from './client';

/** Pure functions from GitHub's shapes to the concise answers the API gives. */

export type CheckState = 'success' | 'failure' | 'pending' | 'none';

export interface CheckSummary {
  state: CheckState;
  /** Check runs plus commit statuses counted. */
  total: number;
  /** Names of failing checks (at most five). */
  failing: string[];
}

const FAILED_CONCLUSIONS = new Set([
  'failure',
  'timed_out',
  'cancelled',
  'action_required',
  'startup_failure',
  'stale',
]);

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function clip(text: string | null | undefined, max: number): string {
  const value = text ?? '';
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export function titleLine(message: string): string {
  return clip(message.split('\n', 1)[0]!.trim(), 200);
}

/** Check runs (Actions, apps) and commit statuses (older integrations) folded into one state. */
export function summarizeChecks(
  status: Pick<RawCombinedStatus, 'state' | 'statuses' | 'total_count'> | null,
  checkRuns: Pick<RawCheckRun, 'name' | 'status' | 'conclusion'>[],
): CheckSummary {
  const failing: string[] = [];
  let pending = 0;
  let passed = 0;
  for (const run of checkRuns) {
    if (run.status !== 'completed') pending++;
    else if (run.conclusion && FAILED_CONCLUSIONS.has(run.conclusion)) failing.push(run.name);
    else passed++;
  }
  for (const s of status?.statuses ?? []) {
    if (s.state === 'failure' || s.state === 'error') failing.push(s.context);
    else if (s.state === 'pending') pending++;
    else passed++;
  }
  const total = checkRuns.length + (status?.statuses?.length ?? 0);
  const state: CheckState = failing.length > 0 ? 'failure' : pending > 0 ? 'pending' : passed > 0 ? 'success' : 'none';
  return { state, total, failing: failing.slice(0, 5) };
}

export interface CommitSummary {
  sha: string;
  shortSha: string;
  title: string;
  author: string;
  date: string | null;
  checks: CheckSummary;
  url: string;
}

export function shapeCommit(commit: RawCommit, checks: CheckSummary): CommitSummary {
  const author = commit.author?.login ?? commit.commit.author?.name ?? 'unknown';
  return {
    sha: commit.sha,
    shortSha: shortSha(commit.sha),
    title: titleLine(commit.commit.message),
    author,
    date: commit.commit.author?.date ?? commit.commit.committer?.date ?? null,
    checks,
    url: commit.html_url,
  };
}

export interface RunSummary {
  id: number;
  workflow: string;
  title: string;
  event: string;
  status: string;
  conclusion: string | null;
  branch: string | null;
  headSha: string;
  runNumber: number;
  attempt: number;
  startedAt: string | null;
  /** Seconds from start to last update for a finished run, null while it runs. */
  durationSeconds: number | null;
  url: string;
}

export function shapeRun(run: RawWorkflowRun): RunSummary {
  const started = run.run_started_at ?? run.created_at;
  const finished = run.status === 'completed';
  const duration = finished ? Math.max(0, Math.round((Date.parse(run.updated_at) - Date.parse(started)) / 1000)) : null;
  return {
    id: run.id,
    workflow: run.name ?? run.path ?? 'workflow',
    title: clip(run.display_title, 200),
    event: run.event,
    status: run.status ?? 'unknown',
    conclusion: run.conclusion ?? null,
    branch: run.head_branch ?? null,
    headSha: shortSha(run.head_sha),
    runNumber: run.run_number,
    attempt: run.run_attempt ?? 1,
    startedAt: started ?? null,
    durationSeconds: Number.isFinite(duration) ? duration : null,
    url: run.html_url,
  };
}

export interface JobSummary {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  durationSeconds: number | null;
  url: string | null;
  /** For a failed job: the first step that failed. */
  failingStep?: { number: number; name: string; conclusion: string | null };
  /** For a failed job: the last lines of its log up to the error (bounded). */
  logTail?: { lines: string[]; truncated: boolean } | { unavailable: string };
}

export function failingStepOf(job: Pick<RawJob, 'steps'>): JobSummary['failingStep'] {
  const step = job.steps?.find(
    (s) => s.conclusion !== null && s.conclusion !== undefined && FAILED_CONCLUSIONS.has(s.conclusion),
  );
  return step ? { number: step.number, name: clip(step.name, 200), conclusion: step.conclusion ?? null } : undefined;
}

export function isFailedJob(job: Pick<RawJob, 'conclusion'>): boolean {
  return job.conclusion !== null && FAILED_CONCLUSIONS.has(job.conclusion) && job.conclusion !== 'cancelled';
}

export function shapeJob(job: RawJob): JobSummary {
  const duration =
    job.completed_at && job.started_at
      ? Math.max(0, Math.round((Date.parse(job.completed_at) - Date.parse(job.started_at)) / 1000))
      : null;
  const failingStep = isFailedJob(job) ? failingStepOf(job) : undefined;
  return {
    id: job.id,
    name: clip(job.name, 200),
    status: job.status,
    conclusion: job.conclusion,
    startedAt: job.started_at ?? null,
    durationSeconds: duration,
    url: job.html_url,
    ...(failingStep ? { failingStep } : {}),
  };
}

export type ReviewState = 'approved' | 'changes_requested' | 'commented' | 'none';

/** Each reviewer's latest deciding review counts; any standing change request wins. */
export function reviewStateOf(reviews: Pick<RawReview, 'state' | 'user' | 'submitted_at'>[]): {
  state: ReviewState;
  approvals: number;
  changeRequests: number;
} {
  const latest = new Map<string, string>();
  let commented = false;
  const ordered = [...reviews].sort((a, b) => Date.parse(a.submitted_at ?? '') - Date.parse(b.submitted_at ?? ''));
  for (const review of ordered) {
    const who = review.user?.login ?? 'unknown';
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED' || review.state === 'DISMISSED')
      latest.set(who, review.state);
    else if (review.state === 'COMMENTED') commented = true;
  }
  const states = [...latest.values()];
  const approvals = states.filter((s) => s === 'APPROVED').length;
  const changeRequests = states.filter((s) => s === 'CHANGES_REQUESTED').length;
  const state: ReviewState =
    changeRequests > 0 ? 'changes_requested' : approvals > 0 ? 'approved' : commented ? 'commented' : 'none';
  return { state, approvals, changeRequests };
}

export interface PullSummary {
  number: number;
  title: string;
  author: string;
  state: string;
  draft: boolean;
  branch: string;
  base: string;
  review: ReviewState;
  approvals: number;
  checks: CheckSummary;
  /** null while GitHub is still computing it. */
  mergeable: boolean | null;
  mergeableState: string | null;
  updatedAt: string;
  url: string;
}

export function shapePull(
  pull: RawPullSimple,
  detail: Pick<RawPull, 'mergeable' | 'mergeable_state'> | null,
  review: ReturnType<typeof reviewStateOf>,
  checks: CheckSummary,
): PullSummary {
  return {
    number: pull.number,
    title: clip(pull.title, 200),
    author: pull.user?.login ?? 'unknown',
    state: pull.merged_at ? 'merged' : pull.state,
    draft: pull.draft ?? false,
    branch: pull.head.ref,
    base: pull.base.ref,
    review: review.state,
    approvals: review.approvals,
    checks,
    mergeable: detail?.mergeable ?? null,
    mergeableState: detail?.mergeable_state ?? null,
    updatedAt: pull.updated_at,
    url: pull.html_url,
  };
}

export interface RepoOverview {
  fullName: string;
  description: string | null;
  defaultBranch: string;
  visibility: string;
  archived: boolean;
  /** Languages by share of bytes, largest first, rounded to a tenth of a percent. */
  languages: { name: string; percent: number }[];
  sizeKb: number;
  pushedAt: string | null;
  openIssues: number;
  openPullRequests: number;
  topics: string[];
  protectedBranches: string[];
  protectedBranchesTruncated: boolean;
  latestRelease: { tag: string; name: string | null; publishedAt: string | null; url: string } | null;
  url: string;
}

export function languageShares(bytes: Record<string, number>, max = 10): { name: string; percent: number }[] {
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  return Object.entries(bytes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([name, count]) => ({ name, percent: Math.round((count / total) * 1000) / 10 }));
}

export function shapeRepository(
  repo: RawRepository,
  languages: Record<string, number>,
  protectedBranches: { items: RawShortBranch[]; truncated: boolean },
  release: RawRelease | null,
  openPulls: number,
): RepoOverview {
  return {
    fullName: repo.full_name,
    description: repo.description ? clip(repo.description, 300) : null,
    defaultBranch: repo.default_branch,
    visibility: repo.visibility ?? (repo.private ? 'private' : 'public'),
    archived: repo.archived,
    languages: languageShares(languages),
    sizeKb: repo.size,
    pushedAt: repo.pushed_at ?? null,
    // GitHub counts pull requests as issues in open_issues_count.
    openIssues: Math.max(0, repo.open_issues_count - openPulls),
    openPullRequests: openPulls,
    topics: (repo.topics ?? []).slice(0, 30),
    protectedBranches: protectedBranches.items.map((b) => b.name).slice(0, 50),
    protectedBranchesTruncated: protectedBranches.truncated || protectedBranches.items.length > 50,
    latestRelease: release
      ? { tag: release.tag_name, name: release.name, publishedAt: release.published_at, url: release.html_url }
      : null,
    url: repo.html_url,
  };
}

/** Every answer stays well under this many characters of JSON. */
export const MAX_ANSWER_CHARS = 90_000;

/**
 * Drop items from the end of the named lists until the JSON fits, marking `truncated`.
 * Lists are trimmed longest-first so one long list cannot starve the others.
 */
export function fitToBound<T extends { truncated?: boolean }>(
  body: T,
  listKeys: (keyof T)[],
  maxChars = MAX_ANSWER_CHARS,
): T {
  let size = JSON.stringify(body).length;
  if (size <= maxChars) return body;
  const copy = { ...body } as T;
  for (const key of listKeys) (copy as Record<string, unknown>)[key as string] = [...((copy[key] as unknown[]) ?? [])];
  while (size > maxChars) {
    const longest = listKeys
      .map((key) => copy[key] as unknown[])
      .filter((list) => list.length > 0)
      .sort((a, b) => b.length - a.length)[0];
    if (!longest) break;
    longest.pop();
    copy.truncated = true;
    size = JSON.stringify(copy).length;
  }
  return copy;
}

export interface ChangedFile {
  path: string;
  /** added, removed, modified, renamed, copied, changed, unchanged. */
  status: string;
  previousPath?: string;
  additions: number;
  deletions: number;
}

/** What one commit pair differs by: immutable for a pair of shas, so it can be cached by the pair. */
export interface ComparisonSummary {
  /** GitHub's relation of head to base: ahead, behind, diverged or identical. */
  status: string;
  aheadBy: number;
  behindBy: number;
  /** Commits in head and not in base, newest first, without check states (those change over time). */
  commits: Omit<CommitSummary, 'checks'>[];
  files: ChangedFile[];
  totalCommits: number;
  /** GitHub lists at most 250 commits and 300 files; true when either list is cut. */
  truncated: boolean;
  url: string;
}

/** GitHub's comparison, with the commit titles and file paths passed through the secret scanner by the caller. */
export function shapeComparison(raw: RawComparison): ComparisonSummary {
  const commits = raw.commits
    .map((commit) => {
      const { checks: _checks, ...rest } = shapeCommit(commit as RawCommit, { state: 'none', total: 0, failing: [] });
      return rest;
    })
    .reverse();
  const files = (raw.files ?? []).map((file) => ({
    path: file.filename,
    status: file.status,
    ...(file.previous_filename ? { previousPath: file.previous_filename } : {}),
    additions: file.additions,
    deletions: file.deletions,
  }));
  return {
    status: raw.status,
    aheadBy: raw.ahead_by,
    behindBy: raw.behind_by,
    commits,
    files,
    totalCommits: raw.total_commits,
    truncated: raw.total_commits > commits.length || files.length >= 300,
    url: raw.html_url ?? '',
  };
}
