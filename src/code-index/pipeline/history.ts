import { redactSecrets } from '../../redaction/secrets';
import type { FileHistory, HistoryState } from '../store/file-history';
import type { HistoryCommit, RepoRef, RepoSource } from '../source/repo-source';

/** How far the history field reaches and how fast it is read (RunSpec.history). */
export interface HistorySpec {
  /** Commits a first backfill walks at most (0 turns the history field off). */
  maxCommits: number;
  /** Per-commit requests one run makes at most; the rest waits for the next run. */
  perRun: number;
  /** Evaluation only: commits dated at or after this (ISO) are never read (a time split). */
  until?: string | null;
}

/** Per-commit requests per alarm step (in flight FETCH_CONCURRENCY at a time). */
const COMMITS_PER_STEP = 120;
/** Requests in flight at once (a Worker keeps at most six connections open). */
const FETCH_CONCURRENCY = 6;
const PAGE_SIZE = 100;
/** Requests left in GitHub's hourly window below which the walk stops until the next run. */
export const RATE_RESERVE = 500;
/** A commit that changed more files than this (a reformat, a licence header) says nothing about each of them. */
const MAX_FILES_PER_COMMIT = 50;

/** Progress of the history walk within one run, kept in the run's stats. */
export interface HistoryStats {
  commits: number;
  requests: number;
  /** Why the walk stopped before the end of what it had to read (budget, rate limit), or null. */
  paused: 'budget' | 'rate_limit' | null;
}

export function emptyHistoryStats(): HistoryStats {
  return { commits: 0, requests: 0, paused: null };
}

/**
 * What a commit says about the files it changed: its subject without the trailing `(#123)`, or
 * for a "Merge pull request #123 from …" the pull request's title (the message's next line);
 * null for other merges (they repeat their branch's commits). Redacted like all indexed text.
 */
export function historySubject(commit: Pick<HistoryCommit, 'message' | 'parents'>): string | null {
  const lines = commit.message.split('\n').map((line) => line.trim());
  let subject = lines[0] ?? '';
  if (commit.parents > 1) {
    if (!/^Merge pull request #\d+/i.test(subject)) return null;
    subject = lines.slice(1).find(Boolean) ?? subject;
  }
  subject = subject.replace(/(\s*\(#\d+\))+\s*$/, '').trim();
  return subject ? redactSecrets(subject.slice(0, 200)).text : null;
}

/**
 * One bounded step of the history walk: pages of commits newest first, each new commit's files
 * asked once (a commit already walked costs nothing), within the run's budget and GitHub's rate
 * limit. Returns true when nothing is left to read (or the walk must wait for the next run).
 */
export async function historyStep(
  ports: { history: FileHistory; source: RepoSource; transaction<T>(work: () => T): T },
  repo: RepoRef,
  head: string,
  spec: HistorySpec,
  stats: HistoryStats,
): Promise<boolean> {
  const { history, source } = ports;
  if (spec.maxCommits <= 0) return true;
  let state: HistoryState = history.state();
  const until = spec.until ?? null;
  if (state.until !== until) {
    ports.transaction(() => history.clear());
    state = { until, newest: null, walks: [] };
  }
  if (state.newest !== head) {
    // A first walk reads back as far as the budget allows; a later one stops at the head walked before.
    state.walks.unshift({ from: head, page: 1, stopAt: state.newest });
    state.newest = head;
    ports.transaction(() => history.saveState(state));
  }
  let asked = 0;
  while (state.walks.length && asked < COMMITS_PER_STEP) {
    if (stats.requests >= spec.perRun) {
      stats.paused = 'budget';
      return true;
    }
    const remaining = source.rateRemaining();
    if (remaining !== null && remaining < RATE_RESERVE) {
      stats.paused = 'rate_limit';
      return true;
    }
    const walk = state.walks[0]!;
    const page = await source.commits(repo, walk.from, walk.page, PAGE_SIZE, until ?? undefined);
    stats.requests++;
    const stop = page.commits.findIndex((commit) => commit.sha === walk.stopAt);
    const listed = stop >= 0 ? page.commits.slice(0, stop) : page.commits;
    const backfill = walk.stopAt === null;
    const budget = backfill ? spec.maxCommits - history.counts().commits : Number.POSITIVE_INFINITY;
    const fresh = listed.filter((commit) => !history.walked(commit.sha)).slice(0, Math.max(0, budget));
    // Whole pages only: the page is taken again from its start when the step ends inside it.
    const wanted = fresh.slice(0, Math.max(0, spec.perRun - stats.requests));
    const found = await filesOf(source, repo, wanted);
    stats.requests += wanted.filter((commit) => historySubject(commit) !== null).length;
    asked += wanted.length;
    const complete = wanted.length === fresh.length;
    ports.transaction(() => {
      const touched = new Set<string>();
      for (const commit of wanted) {
        const files = found.get(commit.sha) ?? [];
        const subject = files.length > MAX_FILES_PER_COMMIT ? null : historySubject(commit);
        // Newest first by date; commits of the same second keep the listing's order.
        const position = (walk.page - 1) * PAGE_SIZE + page.commits.indexOf(commit);
        const at = `${commit.date}#${String(999_999 - position).padStart(6, '0')}`;
        for (const path of history.record({ sha: commit.sha, date: at }, subject, files, !backfill)) touched.add(path);
        stats.commits++;
      }
      history.refresh(touched);
      if (complete) {
        const ended = stop >= 0 || !page.more || (backfill && fresh.length >= budget);
        if (ended) state.walks.shift();
        else walk.page++;
      }
      history.saveState(state);
    });
    if (!complete) {
      stats.paused = 'budget';
      return true;
    }
  }
  return state.walks.length === 0;
}

/** The changed files of each commit worth reading (merges other than pull requests are not asked). */
async function filesOf(
  source: RepoSource,
  repo: RepoRef,
  commits: HistoryCommit[],
): Promise<Map<string, { path: string; previousPath?: string }[]>> {
  const out = new Map<string, { path: string; previousPath?: string }[]>();
  const queue = commits.filter((commit) => historySubject(commit) !== null);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const files = await source.commitFiles(repo, next.sha);
      out.set(
        next.sha,
        files
          .filter((file) => file.status !== 'removed')
          .map((file) => ({ path: file.path, previousPath: file.previousPath })),
      );
    }
  };
  await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, worker));
  return out;
}
