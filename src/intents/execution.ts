import { and, asc, eq } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { Logger } from '../lib/log';
import { intents, type IntentExecution, type IntentRow } from '../db/schema';
import { kindPolicy, targetConfig, type IntentPolicy } from './policy';
import type { HostingOperation, HostingOperations, IntentGitHub, WorkflowRun } from './ports';
import type { IntentRecords } from './records';
import type { IntentOperations } from './ledger-port';

export interface IntentRunnerDeps {
  policy: IntentPolicy;
  records: IntentRecords;
  operations: IntentOperations;
  github: IntentGitHub;
  hosting: HostingOperations;
  log: Logger;
  /** How long a started execution may stay unconfirmed before it is recorded as failed. */
  dispatchConfirmSeconds: number;
  now: () => Date;
}

/**
 * The side effects of an intent that has moved to `executing`, and following
 * them to their end. Nothing here ever starts a second dispatch: an outcome that
 * is unknown is confirmed by looking for the run, or recorded as failed.
 */
export class IntentRunner {
  constructor(private readonly deps: IntentRunnerDeps) {}

  /** Run the side effect of an intent that just moved to executing, and record what happened. */
  async perform(row: IntentRow): Promise<IntentRow> {
    const kind = kindPolicy(this.deps.policy, row.kind)!;
    const execution = row.execution!;
    if (kind.executor === 'hosting') {
      const result = await this.deps.hosting
        .perform(row.kind as HostingOperation, row.target)
        .catch((error: unknown) => ({ status: 'failed' as const, detail: publicMessage(error) }));
      if (result.status === 'done') return this.finish(row, 'succeeded', result.detail ?? `${row.kind} done`, {});
      return this.finish(row, 'failed', result.status === 'failed' ? result.detail : 'hosting is not configured', {});
    }

    const target = targetConfig(this.deps.policy, row.target);
    if (!target || !execution.workflow || !execution.ref)
      return this.finish(row, 'failed', `no workflow is configured for ${row.target}`, {});
    try {
      const { runId } = await this.deps.github.dispatchWorkflow({
        workflow: execution.workflow,
        ref: execution.ref,
        inputs: { ...target.inputs, ...(row.approvedCommit ? { commit: row.approvedCommit } : {}), intent: row.id },
      });
      const run =
        runId !== undefined
          ? await this.deps.github.run(runId).catch(() => undefined)
          : await this.findRun(row).catch(() => undefined);
      if (run || runId !== undefined) {
        return this.progress(
          row,
          { runId: run?.id ?? runId, runUrl: run?.url, runStatus: run?.status ?? 'queued', status: 'running' },
          'dispatch',
        );
      }
      return row; // dispatched; the follower will find the run
    } catch (error) {
      if (error instanceof ApiError && error.status < 500 && error.status !== 429) {
        // GitHub refused the dispatch: nothing ran.
        return this.finish(row, 'failed', `dispatch refused: ${error.message}`, { error: error.message });
      }
      // The dispatch may or may not have happened: never re-send it; the follower confirms or records the failure.
      this.deps.log.warn('workflow dispatch outcome unknown', { intent: row.id, error: publicMessage(error) });
      return row;
    }
  }

  /** One look at an executing intent (cron, or a retried execute): find its run, record its end. */
  async followOne(row: IntentRow): Promise<IntentRow> {
    if (row.state !== 'executing' || !row.execution) return row;
    const execution = row.execution;
    const overdue =
      this.deps.now().getTime() - Date.parse(execution.startedAt) > this.deps.dispatchConfirmSeconds * 1000;
    try {
      if (execution.runId === undefined) {
        const kind = kindPolicy(this.deps.policy, row.kind);
        const run = kind?.executor === 'workflow' && execution.workflow ? await this.findRun(row) : undefined;
        if (run)
          return this.recordRun(
            await this.progress(
              row,
              { runId: run.id, runUrl: run.url, runStatus: run.status, status: 'running' },
              'dispatch',
            ),
            run,
          );
        if (overdue) {
          return this.finish(
            row,
            'failed',
            kind?.executor === 'hosting'
              ? 'outcome unknown: the request executing it ended before recording a result'
              : 'dispatch not confirmed: no workflow run appeared',
            {},
          );
        }
        return row;
      }
      return this.recordRun(row, await this.deps.github.run(execution.runId));
    } catch (error) {
      this.deps.log.warn('following an intent failed', { intent: row.id, error: publicMessage(error) });
      return row;
    }
  }

  /** Follow every executing intent of the project, oldest change first. */
  async followAll(limit = 50): Promise<{ followed: number; finished: number }> {
    const { records } = this.deps;
    const rows = await records.read((db) =>
      db
        .select()
        .from(intents)
        .where(and(eq(intents.project, records.project), eq(intents.state, 'executing')))
        .orderBy(asc(intents.updatedAt))
        .limit(limit),
    );
    let finished = 0;
    for (const row of rows) {
      if ((await this.followOne(row)).state !== 'executing') finished++;
    }
    return { followed: rows.length, finished };
  }

  /**
   * A workflow run GitHub reported (the signed workflow_run webhook): record it on the executing intent
   * that dispatched it. An intent still waiting to learn its run id is followed through GitHub instead,
   * which finds the run and records it. Null when no executing intent is waiting for this run.
   */
  async reportRun(run: WorkflowRun): Promise<IntentRow | null> {
    const { records } = this.deps;
    const rows = await records.read((db) =>
      db
        .select()
        .from(intents)
        .where(and(eq(intents.project, records.project), eq(intents.state, 'executing')))
        .orderBy(asc(intents.updatedAt))
        .limit(50),
    );
    const dispatched = rows.find((row) => row.execution?.runId === run.id);
    if (dispatched) return this.recordRun(dispatched, run);
    const waiting = rows.find((row) => row.execution?.runId === undefined && row.execution?.ref === run.headBranch);
    return waiting ? this.followOne(waiting) : null;
  }

  private findRun(row: IntentRow): Promise<WorkflowRun | undefined> {
    const execution = row.execution!;
    return this.deps.github.findDispatchedRun({
      workflow: execution.workflow!,
      branch: execution.ref!,
      headSha: row.approvedCommit ?? undefined,
      since: new Date(execution.startedAt),
    });
  }

  private async recordRun(row: IntentRow, run: Pick<WorkflowRun, 'status' | 'conclusion' | 'url'>): Promise<IntentRow> {
    if (run.status !== 'completed') {
      if (row.execution?.runStatus === run.status) return row;
      return this.progress(row, { runStatus: run.status, runUrl: run.url }, 'progress');
    }
    const ok = run.conclusion === 'success';
    return this.finish(
      row,
      ok ? 'succeeded' : 'failed',
      `workflow run ${ok ? 'succeeded' : `ended ${run.conclusion ?? 'without a conclusion'}`}`,
      {
        runStatus: run.status,
        conclusion: run.conclusion,
        runUrl: run.url,
      },
    );
  }

  /** Update an executing intent's execution record (run found, run status changed). */
  private progress(
    row: IntentRow,
    change: Partial<IntentExecution>,
    action: 'dispatch' | 'progress',
  ): Promise<IntentRow> {
    return this.deps.operations.run('progress', { id: row.id, attempt: row.execution?.attempt, change, action });
  }

  /** Record the end of an execution, once: only an executing row of the same attempt is finished. */
  private finish(
    row: IntentRow,
    to: 'succeeded' | 'failed',
    outcome: string,
    change: Partial<IntentExecution>,
  ): Promise<IntentRow> {
    return this.deps.operations.run('finish', { id: row.id, attempt: row.execution?.attempt, to, outcome, change });
  }
}

export function publicMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'unexpected error';
}
