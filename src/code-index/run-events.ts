import { ApiError } from '../errors';
import type { Client } from '../auth/keys';
import type { ProjectEvent } from '../events/publisher';
import type { RunOutcome, RunProgress, RunRecord, RunState } from './pipeline/run';

/** The caller behind a run, from its label (`client` or `client:person`). */
export function actorOf(label: string): NonNullable<ProjectEvent['actor']> {
  const at = label.indexOf(':');
  return at < 0
    ? { client: label as Client, label }
    : { client: label.slice(0, at) as Client, person: label.slice(at + 1), label };
}

/** Public detail only: ApiError messages are written for callers and never carry secrets. */
export function errorSummary(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return 'unexpected error (see the service log)';
}

export function runStartedEvent(state: RunState): Omit<ProjectEvent, 'topic'> {
  const repo = `${state.spec.repo.owner}/${state.spec.repo.name}`;
  return {
    type: 'index.run_started',
    summary: `Index run of ${repo}@${state.spec.repo.branch} started (${state.trigger})`,
    actor: actorOf(state.actor),
    data: { runId: state.id, repo, branch: state.spec.repo.branch, trigger: state.trigger },
  };
}

export function runFinishedEvent(state: RunState, record: RunRecord, outcome: RunOutcome): Omit<ProjectEvent, 'topic'> {
  const repo = `${state.spec.repo.owner}/${state.spec.repo.name}`;
  const what =
    outcome === 'failed'
      ? `failed after ${state.attempts} attempt(s): ${state.lastError ?? 'unknown error'}`
      : outcome === 'up_to_date'
        ? `found ${repo} already up to date`
        : `indexed ${state.stats.filesIndexed} file(s), deleted ${state.stats.filesDeleted}, embedded ${state.stats.chunksEmbedded} chunk(s)`;
  return {
    type: outcome === 'failed' ? 'index.run_failed' : 'index.run_succeeded',
    summary: `Index run of ${repo}@${state.spec.repo.branch} ${what}`.slice(0, 300),
    actor: actorOf(state.actor),
    data: {
      runId: state.id,
      repo,
      branch: state.spec.repo.branch,
      trigger: state.trigger,
      outcome,
      durationMs: record.durationMs,
      headCommit: state.headCommit,
      stats: state.stats,
      error: record.error,
    },
  };
}

/** Files done of planned and the ETA, published at most once a second while a run goes. */
export function runProgressEvent(state: RunState, progress: RunProgress): Omit<ProjectEvent, 'topic'> {
  const repo = `${state.spec.repo.owner}/${state.spec.repo.name}`;
  const eta = progress.etaSeconds === null ? '' : `, about ${progress.etaSeconds} s left`;
  return {
    type: 'index.run_progress',
    summary: `Index run of ${repo}: ${progress.filesDone}/${progress.filesPlanned} files${eta}`,
    actor: actorOf(state.actor),
    data: {
      runId: state.id,
      repo,
      filesDone: progress.filesDone,
      filesPlanned: progress.filesPlanned,
      etaSeconds: progress.etaSeconds,
    },
  };
}
