import { DurableObject } from 'cloudflare:workers';
import { aggregate, emptySnapshot, type MetricsSnapshot, type Observation } from '../metrics/model';
import {
  RESOLUTIONS,
  bucketKey,
  foldIntoSeries,
  seriesOf,
  type MetricsSeries,
  type Resolution,
  type SeriesBucket,
} from '../metrics/series';

/**
 * The metrics aggregate for one project: isolates send batches of observations,
 * the object folds them into counters and histograms (single-threaded, so no lost
 * updates) and keeps them in storage so they survive eviction. Beside the totals it
 * keeps a bounded time series (per minute for 24 h, per hour for 7 days).
 */
export class MetricsObject extends DurableObject {
  #state?: MetricsSnapshot;

  private state(): MetricsSnapshot {
    this.#state ??= this.ctx.storage.kv.get<MetricsSnapshot>('snapshot') ?? emptySnapshot();
    return this.#state;
  }

  record(batch: Observation[], nowMs = Date.now()): number {
    const kv = this.ctx.storage.kv;
    this.#state = aggregate(this.state(), batch);
    kv.put('snapshot', this.#state);
    for (const [key, bucket] of foldIntoSeries((key) => kv.get<SeriesBucket>(key), batch, nowMs)) kv.put(key, bucket);
    this.prune(nowMs);
    return batch.length;
  }

  /** When buckets past their keep were last removed (in memory: a restarted object prunes on its first batch). */
  #prunedAt = Number.NEGATIVE_INFINITY;

  /** Drop buckets older than their resolution keeps; at most once a minute, the smallest step kept. */
  private prune(nowMs: number): void {
    if (nowMs - this.#prunedAt < RESOLUTIONS.minute.stepMs) return;
    this.#prunedAt = nowMs;
    const kv = this.ctx.storage.kv;
    for (const resolution of Object.keys(RESOLUTIONS) as Resolution[]) {
      const { prefix, keepMs } = RESOLUTIONS[resolution];
      for (const [key] of kv.list({ prefix, end: bucketKey(resolution, nowMs - keepMs) })) kv.delete(key);
    }
  }

  snapshot(): MetricsSnapshot {
    return this.state();
  }

  /** Requests per route over the last 24 h (per minute) or 7 days (per hour). */
  series(resolution: Resolution, nowMs = Date.now()): MetricsSeries & { truncated: boolean } {
    const { prefix, keepMs } = RESOLUTIONS[resolution];
    const buckets: [number, SeriesBucket][] = [];
    for (const [key, bucket] of this.ctx.storage.kv.list<SeriesBucket>({
      prefix,
      start: bucketKey(resolution, nowMs - keepMs),
    })) {
      buckets.push([Number(key.slice(prefix.length)), bucket]);
    }
    return seriesOf(resolution, buckets, nowMs);
  }
}
