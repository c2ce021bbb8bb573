import type { AuditLog } from '../audit/log';
import type { Caller } from '../auth/keys';
import type { RunTrigger } from './pipeline/run';
import type { StartResult } from './pipeline/scheduler';
import type { IndexService } from './service';
import { repoKey, type RepoRef } from './source/repo-source';

export interface RunRequest {
  trigger: RunTrigger;
  /** The audit entry's summary (who asked, and how). */
  summary: string;
  /** Extra audit detail beside the trigger (e.g. the webhook delivery id). */
  detail?: Record<string, unknown>;
  /** A trigger during a run asks for one more run after it instead of being refused. */
  queueIfRunning: boolean;
}

/**
 * Audit, then start an index run: if the ledger is down nothing starts. The repository's index
 * object announces `index.run_started` (once, with the caller as its actor) when the run starts.
 */
export async function startIndexRun(
  { index, audit }: { index: IndexService; audit: AuditLog },
  repo: RepoRef,
  caller: Pick<Caller, 'label'>,
  request: RunRequest,
): Promise<StartResult> {
  await audit.record({
    action: 'index.reindex',
    target: `repo:${repoKey(repo)}@${repo.branch}`,
    summary: request.summary,
    detail: { trigger: request.trigger, ...request.detail },
  });
  return index.start(repo, request.trigger, caller, request.queueIfRunning);
}
