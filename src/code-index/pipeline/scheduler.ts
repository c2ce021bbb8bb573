import { Logger } from '../../lib/log';
import type { ProjectEvent } from '../../events/publisher';
import type { RepoIndexStore } from '../store/repo-index-store';
import type { RunStore } from '../store/run-store';
import type { FileCommits } from '../store/file-commits';
import { errorSummary, runFinishedEvent, runProgressEvent, runStartedEvent } from '../run-events';
import { ProgressGate, etaSeconds } from '../progress';
import { INDEX_LAYOUT } from '../store/file-index';
import type { IndexPipeline } from './pipeline';
import { emptySummaryStats } from './model-summaries';
import { emptyHistoryStats } from './history';
import { summarizerId } from '../summary/model-summary';
import {
  emptyChunkingStats,
  emptyStats,
  type RunOutcome,
  type RunProgress,
  type RunRecord,
  type RunSpec,
  type RunState,
  type RunTrigger,
} from './run';

export type { RunProgress } from './run';

export type StartResult =
  | { started: true; runId: string }
  | { started: false; running: RunProgress; followUpQueued: boolean };

export interface SchedulerPorts {
  store: RepoIndexStore;
  runs: RunStore;
  commits: FileCommits;
  alarms: { get(): Promise<number | null>; set(at: number): Promise<void> };
  transaction<T>(work: () => T): T;
  pipeline(spec: RunSpec): IndexPipeline;
  embedderId(spec: RunSpec): string;
  /** Tell the project's listeners (a no-op without an event hub). */
  announce(spec: RunSpec, event: Omit<ProjectEvent, 'topic'>): Promise<void>;
  /** The clock that spaces progress events (read once per batch of files; tests drive it). */
  progressClock(): number;
}

/**
 * Runs of one repository index: at most one at a time, advanced one step per alarm
 * (plan, then batches of files), retried with exponential backoff from the checkpoint,
 * and finished with a run record. Every step starts from the stored state, and writes
 * back only the run it started from, so a trigger that arrives meanwhile is never lost.
 */
export class RunScheduler {
  private readonly progressGate = new ProgressGate();

  constructor(private readonly ports: SchedulerPorts) {}

  progress(state: RunState): RunProgress {
    const startedAt = new Date(state.startedAt).toISOString();
    const filesDone = state.phase === 'files' ? this.ports.runs.workDone(state.cursor) : 0;
    return {
      id: state.id,
      trigger: state.trigger,
      actor: state.actor,
      startedAt,
      phase: state.phase,
      mode: state.mode,
      filesDone,
      filesPlanned: state.stats.filesPlanned,
      attempts: state.attempts,
      lastError: state.lastError,
      nextAttemptAt: state.nextAttemptAt ? new Date(state.nextAttemptAt).toISOString() : null,
      etaSeconds: etaSeconds({ startedAt, filesDone, filesPlanned: state.stats.filesPlanned }, Date.now()),
      summaries: state.spec.summaries ? (state.stats.summaries ?? emptySummaryStats()) : null,
      history: state.spec.history?.maxCommits ? (state.stats.history ?? emptyHistoryStats()) : null,
      chunking: state.stats.chunking ?? emptyChunkingStats(),
    };
  }

  /**
   * Start a run unless one is going; a trigger during a run may ask for one more run after it.
   * The start is published on the `index` topic, once, here.
   */
  async start(spec: RunSpec, trigger: RunTrigger, actor: string, queueIfRunning = false): Promise<StartResult> {
    const { runs, store, alarms } = this.ports;
    const current = runs.runState();
    // A run whose alarm is gone (it should not happen, but a stuck run would block every later one) is re-armed.
    if (current && (await alarms.get()) === null) await alarms.set(Date.now());
    if (current) {
      if (queueIfRunning && !current.followUp) {
        current.followUp = true;
        runs.saveRunState(current);
      }
      return { started: false, running: this.progress(current), followUpQueued: current.followUp };
    }
    const state: RunState = {
      id: crypto.randomUUID(),
      trigger,
      actor,
      spec,
      startedAt: Date.now(),
      phase: 'plan',
      mode: null,
      baseCommit: null,
      headCommit: null,
      cursor: 0,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
      followUp: false,
      stats: emptyStats(),
    };
    runs.saveRunState(state);
    store.setMeta('repo', `${spec.repo.owner}/${spec.repo.name}`);
    store.setMeta('branch', spec.repo.branch);
    await alarms.set(Date.now());
    await this.ports.announce(spec, runStartedEvent(state));
    return { started: true, runId: state.id };
  }

  /** Keep what a concurrent trigger wrote into the stored state (a queued follow-up) when saving ours. */
  private save(state: RunState): boolean {
    const stored = this.ports.runs.runState();
    if (!stored || stored.id !== state.id) return false;
    state.followUp ||= stored.followUp;
    this.ports.runs.saveRunState(state);
    return true;
  }

  async step(): Promise<void> {
    const { runs, alarms } = this.ports;
    const state = runs.runState();
    if (!state) return;
    try {
      const pipeline = this.ports.pipeline(state.spec);
      const batched = state.phase === 'files';
      // Files first, then the history walk; an unchanged branch whose history is read asks nothing.
      if (state.phase === 'plan') {
        const planned = await pipeline.plan(state);
        if (planned === 'up_to_date') {
          if (!pipeline.historyPending(state)) return await this.finish(state, 'up_to_date');
          state.phase = 'history';
        } else state.phase = 'files';
      } else if (state.phase === 'files') {
        const done = await pipeline.batch(state);
        if (done) {
          if (!pipeline.historyPending(state)) return await this.finish(state, 'succeeded');
          state.phase = 'history';
        }
      } else if (await pipeline.history(state)) {
        return await this.finish(state, state.mode === null ? 'up_to_date' : 'succeeded');
      }
      state.attempts = 0;
      state.nextAttemptAt = null;
      if (!this.save(state)) return;
      await alarms.set(Date.now());
      // Progress is told after a batch of files (not after planning), at most once a second.
      if (batched && state.phase === 'files' && this.progressGate.due(this.ports.progressClock()))
        await this.ports.announce(state.spec, runProgressEvent(state, this.progress(state)));
    } catch (error) {
      // Reload: whatever the batch committed (files and checkpoint) stays; only counters in memory are dropped.
      // A run that is no longer the stored one (it finished) is not brought back.
      const saved = runs.runState();
      if (!saved || saved.id !== state.id) return;
      saved.attempts++;
      saved.lastError = errorSummary(error);
      new Logger().warn('index batch failed', {
        run: saved.id,
        attempt: saved.attempts,
        error: String((error as Error)?.message ?? error).slice(0, 300),
      });
      if (saved.attempts >= saved.spec.limits.maxAttempts) return this.finish(saved, 'failed');
      const delay = Math.min(saved.spec.limits.retryBaseMs * 2 ** (saved.attempts - 1), 10 * 60_000);
      saved.nextAttemptAt = Date.now() + delay;
      runs.saveRunState(saved);
      await alarms.set(saved.nextAttemptAt);
    }
  }

  private async finish(state: RunState, outcome: RunOutcome): Promise<void> {
    const { runs, store, commits } = this.ports;
    const finishedAt = Date.now();
    const record: RunRecord = {
      id: state.id,
      trigger: state.trigger,
      actor: state.actor,
      startedAt: new Date(state.startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - state.startedAt,
      outcome,
      mode: state.mode,
      baseCommit: state.baseCommit,
      headCommit: state.headCommit,
      stats: state.stats,
      error: outcome === 'failed' ? state.lastError : null,
    };
    const followUp = this.ports.transaction(() => {
      const stored = runs.runState();
      if (outcome !== 'failed' && state.headCommit) {
        store.setMeta('indexed_commit', state.headCommit);
        store.setMeta('indexed_at', new Date(finishedAt).toISOString());
        store.setMeta('embedder', this.ports.embedderId(state.spec));
        store.setMeta('layout', INDEX_LAYOUT);
        store.setMeta('summarizer', summarizerId(state.spec.summaries));
        commits.stampAll(state.headCommit);
        runs.clearWork();
      }
      runs.recordRun(record);
      runs.saveRunState(null);
      return state.followUp || (stored?.id === state.id && stored.followUp);
    });
    await this.ports.announce(state.spec, runFinishedEvent(state, record, outcome));
    if (followUp) await this.start(state.spec, state.trigger, state.actor);
  }
}
