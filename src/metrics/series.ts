import { LATENCY_BUCKETS, type Observation } from './model';

/**
 * A bounded time series of requests per route: per-minute buckets for the last 24 hours and
 * per-hour buckets for the last 7 days. Each bucket is one small JSON value keyed by its start,
 * so recording touches two values and old buckets are dropped by key range.
 */
export const RESOLUTIONS = {
  minute: { stepMs: 60_000, keepMs: 24 * 3_600_000, prefix: 'series:m:' },
  hour: { stepMs: 3_600_000, keepMs: 7 * 24 * 3_600_000, prefix: 'series:h:' },
} as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** Requests of one route in one bucket: count, refusals/failures and the latency histogram. */
export interface RouteCell {
  count: number;
  errors: number;
  buckets: number[];
}
/** One bucket: `route\u0000method` -> cell. */
export type SeriesBucket = Record<string, RouteCell>;

/** Keys sort as numbers do: the bucket start, zero-padded. */
export function bucketKey(resolution: Resolution, startMs: number): string {
  return `${RESOLUTIONS[resolution].prefix}${String(startMs).padStart(15, '0')}`;
}

export function bucketStart(resolution: Resolution, atMs: number): number {
  const step = RESOLUTIONS[resolution].stepMs;
  return Math.floor(atMs / step) * step;
}

/** Fold observations into the buckets they fall in (pure); returns the changed buckets by key. */
export function foldIntoSeries(
  read: (key: string) => SeriesBucket | undefined,
  batch: readonly Observation[],
  nowMs: number,
): Map<string, SeriesBucket> {
  const changed = new Map<string, SeriesBucket>();
  for (const o of batch) {
    const at = o.at ?? nowMs;
    for (const resolution of Object.keys(RESOLUTIONS) as Resolution[]) {
      if (at < nowMs - RESOLUTIONS[resolution].keepMs) continue;
      const key = bucketKey(resolution, bucketStart(resolution, at));
      const bucket = changed.get(key) ?? structuredClone(read(key) ?? {});
      const cellKey = `${o.route}\u0000${o.method}`;
      const cell = bucket[cellKey] ?? { count: 0, errors: 0, buckets: LATENCY_BUCKETS.map(() => 0) };
      cell.count++;
      if (o.status >= 400) cell.errors++;
      const seconds = Math.max(0, o.durationMs) / 1000;
      const slot = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
      // Not cumulative here (smaller to store); the overflow past the last bound counts in `count` only.
      if (slot >= 0) cell.buckets[slot]!++;
      bucket[cellKey] = cell;
      changed.set(key, bucket);
    }
  }
  return changed;
}

/** The latency below which `q` of the requests fell, interpolated inside its histogram bucket, in ms. */
export function quantileMs(buckets: readonly number[], count: number, q: number): number | null {
  if (count === 0) return null;
  const rank = q * count;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const inBucket = buckets[i]!;
    if (seen + inBucket >= rank && inBucket > 0) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!;
      const upper = LATENCY_BUCKETS[i]!;
      return Math.round((lower + ((rank - seen) / inBucket) * (upper - lower)) * 1000 * 10) / 10;
    }
    seen += inBucket;
  }
  // Past the last bound: all that is known is "more than the largest bound".
  return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]! * 1000;
}

export interface RouteSeries {
  route: string;
  method: string;
  total: number;
  /** Only buckets with requests; `at` is the bucket start (ISO). */
  points: { at: string; count: number; errors: number; p50Ms: number | null; p95Ms: number | null }[];
}

export interface MetricsSeries {
  resolution: Resolution;
  stepSeconds: number;
  from: string;
  to: string;
  routes: RouteSeries[];
}

/** Turn stored buckets (oldest first) into per-route series, busiest route first, at most `maxRoutes`. */
export function seriesOf(
  resolution: Resolution,
  buckets: [startMs: number, bucket: SeriesBucket][],
  nowMs: number,
  maxRoutes = 20,
): MetricsSeries & { truncated: boolean } {
  const byRoute = new Map<string, RouteSeries>();
  for (const [startMs, bucket] of buckets) {
    for (const [cellKey, cell] of Object.entries(bucket)) {
      const [route = '', method = ''] = cellKey.split('\u0000');
      const series = byRoute.get(cellKey) ?? { route, method, total: 0, points: [] };
      series.total += cell.count;
      series.points.push({
        at: new Date(startMs).toISOString(),
        count: cell.count,
        errors: cell.errors,
        p50Ms: quantileMs(cell.buckets, cell.count, 0.5),
        p95Ms: quantileMs(cell.buckets, cell.count, 0.95),
      });
      byRoute.set(cellKey, series);
    }
  }
  const routes = [...byRoute.values()].sort((a, b) => b.total - a.total || (a.route < b.route ? -1 : 1));
  const { stepMs, keepMs } = RESOLUTIONS[resolution];
  return {
    resolution,
    stepSeconds: stepMs / 1000,
    from: new Date(bucketStart(resolution, nowMs - keepMs)).toISOString(),
    to: new Date(nowMs).toISOString(),
    routes: routes.slice(0, maxRoutes),
    truncated: routes.length > maxRoutes,
  };
}
