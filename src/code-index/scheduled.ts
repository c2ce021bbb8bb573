import { describeError } from '../lib/log';
import type { Logger } from '../lib/log';
import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { MaintenanceContext, MaintenanceOutcome } from '../maintenance/job';
import type { IndexService } from './service';
import { repoKey } from './source/repo-source';
import { startIndexRun } from './start-run';

/**
 * The `reindex` maintenance job (nightly by REINDEX_CRON, or by hand through
 * POST /ai/maintenance/reindex): start an incremental run for every configured
 * repository, each audited as the caller. A repository whose run is still going
 * gets a follow-up queued instead of a second, overlapping run.
 */
export async function reindexAll({
  services,
  caller,
}: MaintenanceContext<{
  indexing(): IndexService;
  audit(caller: Caller): AuditLog;
  log: Logger;
}>): Promise<MaintenanceOutcome> {
  const index = services.indexing();
  if (!index.repos.length) {
    return {
      summary: 'No repository is configured for indexing (INDEX_REPOS); nothing to re-index.',
      details: { repos: [] },
    };
  }
  const results: { repo: string; started: boolean; error?: string }[] = [];
  for (const repo of index.repos) {
    const key = `${repoKey(repo)}@${repo.branch}`;
    try {
      const result = await startIndexRun({ index, audit: services.audit(caller) }, repo, caller, {
        trigger: 'cron',
        summary: `Scheduled re-index of ${key}`,
        queueIfRunning: true,
      });
      results.push({ repo: key, started: result.started });
    } catch (error) {
      services.log.error('scheduled index run not started', { repo: key, ...describeError(error) });
      results.push({ repo: key, started: false, error: error instanceof Error ? error.message : 'failed' });
    }
  }
  const started = results.filter((r) => r.started).length;
  return {
    summary: `Re-index started for ${started} of ${results.length} repositories (the rest were running and got a follow-up, or failed).`,
    details: { repos: results },
  };
}

/**
 * The `vector-pruning` maintenance job (monthly by VECTOR_PRUNING_CRON): drop
 * cached vectors of code that no longer exists in any indexed repository.
 * Vectors of deleted files leave Vectorize during the incremental run itself.
 */
export async function pruneAllVectors({
  services,
}: MaintenanceContext<{ indexing(): IndexService }>): Promise<MaintenanceOutcome> {
  const index = services.indexing();
  const results: { repo: string; pruned: number; skipped: boolean }[] = [];
  for (const repo of index.repos) {
    results.push({ repo: `${repoKey(repo)}@${repo.branch}`, ...(await index.pruneVectors(repo)) });
  }
  const pruned = results.reduce((sum, r) => sum + r.pruned, 0);
  const skipped = results.filter((r) => r.skipped).map((r) => r.repo);
  return {
    summary: results.length
      ? `Pruned ${pruned} unused vector(s) across ${results.length} repositories${skipped.length ? `; skipped while indexing: ${skipped.join(', ')}` : ''}.`
      : 'No repository is configured for indexing (INDEX_REPOS); nothing to prune.',
    details: { repos: results },
  };
}
