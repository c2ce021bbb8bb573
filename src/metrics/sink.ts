import type { MetricsObject } from '../objects/metrics';
import { emptySnapshot, type MetricsSnapshot, type Observation } from './model';
import { seriesOf, type MetricsSeries, type Resolution } from './series';

/** Where request observations go. */
export interface MetricsSink {
  record(observation: Observation): void;
  /** Send what this isolate holds for the project to the aggregate. */
  flush(): Promise<void>;
  /** The aggregate across every isolate. */
  snapshot(): Promise<MetricsSnapshot>;
  /** Requests per route over time, from the aggregate. */
  series(resolution: Resolution): Promise<MetricsSeries & { truncated: boolean }>;
  readonly aggregated: boolean;
}

/*
 * Per-isolate memory is not an aggregate: Workers run many isolates and recycle
 * them. So each isolate buffers observations (plain data, safe to share across
 * requests) and flushes them as a batch, after the response (waitUntil), to one
 * Durable Object per project that folds them into counters and persists them.
 * The buffer is swapped out before sending, so concurrent flushes never double
 * count; a failed flush puts its batch back (bounded, oldest dropped first).
 */
const pending = new Map<string, Observation[]>();
const MAX_PENDING = 10_000;

export class DurableObjectMetricsSink implements MetricsSink {
  readonly aggregated = true;

  constructor(
    private readonly namespace: DurableObjectNamespace<MetricsObject>,
    private readonly project: string,
  ) {}

  private stub() {
    return this.namespace.get(this.namespace.idFromName(`metrics:${this.project}`));
  }

  record(observation: Observation): void {
    const list = pending.get(this.project) ?? [];
    list.push(observation);
    if (list.length > MAX_PENDING) list.splice(0, list.length - MAX_PENDING);
    pending.set(this.project, list);
  }

  async flush(): Promise<void> {
    const batch = pending.get(this.project);
    pending.delete(this.project);
    if (!batch?.length) return;
    try {
      await this.stub().record(batch);
    } catch (error) {
      const now = pending.get(this.project) ?? [];
      pending.set(this.project, [...batch, ...now].slice(-MAX_PENDING));
      throw error;
    }
  }

  async snapshot(): Promise<MetricsSnapshot> {
    return (await this.stub().snapshot()) as MetricsSnapshot;
  }

  async series(resolution: Resolution): Promise<MetricsSeries & { truncated: boolean }> {
    return (await this.stub().series(resolution)) as MetricsSeries & { truncated: boolean };
  }
}

/** Without a METRICS binding: counts nothing, and says so. */
export class NoMetricsSink implements MetricsSink {
  readonly aggregated = false;
  record(): void {}
  async flush(): Promise<void> {}
  async snapshot(): Promise<MetricsSnapshot> {
    return emptySnapshot();
  }
  async series(resolution: Resolution): Promise<MetricsSeries & { truncated: boolean }> {
    return seriesOf(resolution, [], Date.now());
  }
}
