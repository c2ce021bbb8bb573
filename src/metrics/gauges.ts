import type { Services } from '../services';
import type { Gauge } from './prometheus';

/**
 * Figures other areas add to `/ai/metrics` (index freshness and size, event-hub
 * listeners, …): one factory per line. Each runs per scrape; a failing one is skipped.
 */
export const METRIC_GAUGES: readonly ((services: Services) => Promise<Gauge[]>)[] = [];

export async function collectGauges(services: Services): Promise<Gauge[]> {
  const results = await Promise.allSettled(METRIC_GAUGES.map((gauges) => gauges(services)));
  return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
}
