import type { Caller } from '../auth/keys';
import { markInternal } from '../auth/internal';
import type { CronJob, CronContext } from '../cron/job';
import type { Services } from '../services';
import { parseMaintenanceConfig } from '../maintenance/config';
import { QUERY_LOG_CAPACITY } from '../queries/log';
import { parseWarmupConfig } from './config';
import { warmupTargets, type WarmupTarget } from './select';

/** Replays act as the GPT, so the answers cached are the ones the GPT gets: same shaping, same redaction. */
export const WARMUP_CALLER: Caller = { client: 'gpt', label: 'gpt:cache-warmup' };
const ORIGIN = 'https://warmup.internal';

export interface WarmupReport {
  summary: string;
  considered: number;
  refreshed: (Pick<WarmupTarget, 'path' | 'params' | 'calls'> & { status: number })[];
}

type WarmupAccess = Pick<Services, 'config' | 'queryLog' | 'audit'>;

/**
 * Refresh the answer cache for the GPT's most-called cacheable reads of the last day: each is
 * replayed through the app as the gpt client with cache reads bypassed, so its fresh answer is
 * written back. One at a time (GitHub's rate limit), each outcome reported and audited.
 */
export async function warmCache({ services, caller, api }: CronContext<WarmupAccess>): Promise<WarmupReport> {
  if (!api) throw new Error('the cache warm-up needs the app to replay requests through');
  const { maxRoutes } = parseWarmupConfig(services.config.vars);
  const queries = maxRoutes ? await services.queryLog.recent(services.config.projectId, QUERY_LOG_CAPACITY) : [];
  const targets = warmupTargets(queries, Date.now(), maxRoutes);
  const refreshed: WarmupReport['refreshed'] = [];
  for (const target of targets) {
    const url = new URL(target.path, ORIGIN);
    for (const [name, value] of Object.entries(target.params)) url.searchParams.set(name, value);
    const response = await api(markInternal(new Request(url), { caller: WARMUP_CALLER, refreshCache: true }));
    await response.body?.cancel();
    refreshed.push({ path: target.path, params: target.params, calls: target.calls, status: response.status });
  }
  const failed = refreshed.filter((r) => r.status !== 200).length;
  const summary = maxRoutes
    ? `Refreshed ${refreshed.length - failed} cached answer(s) of the GPT's most-called reads (of ${queries.length} recent queries)${failed ? `; ${failed} failed` : ''}`
    : 'Cache warm-up is off (CACHE_WARMUP_ROUTES=0)';
  const report: WarmupReport = { summary, considered: queries.length, refreshed };
  await services.audit(caller).record({
    action: 'maintenance.cache-warmup',
    target: 'maintenance:cache-warmup',
    summary,
    detail: { considered: report.considered, limit: maxRoutes, refreshed },
  });
  return report;
}

/** Runs on the re-index's schedule and is listed after it, so it warms answers over the fresh index. */
export const cacheWarmupJob: CronJob<Services> = {
  name: 'cache-warmup',
  schedule: (config) => parseMaintenanceConfig(config.vars).crons.reindex,
  run: async (context) => (await warmCache(context)).summary,
};
