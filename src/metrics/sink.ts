import type { MetricsObject } from '../objects/metrics';
import { emptySnapshot, type MetricsSnapshot, type Observation } from './model';
import { seriesOf, type MetricsSeries, type Resolution } from './series';

/** Where request observations go. */
export interface MetricsSink {
  record(observation: Observation): void;
  /** Send what this isolate holds for the project to the aggregate. */
  flush(): Promise<void>;
  /**
   * The after-response send: like `flush`, but when another request of this isolate is already
   * sending, returns at once and leaves these observations to it (one call carries many requests).
   */
  drain(): Promise<void>;
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
/**
 * Under load a flush per request means a call and a storage write per request. Instead one request's
 * `waitUntil` sends, in rounds, whatever builds up while its call is in flight; requests that end meanwhile
 * only add to the buffer. Plain data shared across requests: a token and when the sender last sent.
 */
const senders = new Map<string, { token: object; at: number }>();
/** A sender silent this long is presumed gone (its request was cut off) and another takes over. */
const SENDER_STALE_MS = 10_000;
/** Rounds one request sends before leaving the rest to the next request's `waitUntil`. */
const MAX_ROUNDS = 64;

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

  async drain(): Promise<void> {
    const sender = senders.get(this.project);
    if (sender && Date.now() - sender.at < SENDER_STALE_MS) return;
    const mine = { token: {}, at: Date.now() };
    senders.set(this.project, mine);
    try {
      for (let round = 0; round < MAX_ROUNDS && pending.get(this.project)?.length; round++) {
        mine.at = Date.now();
        await this.flush();
      }
    } finally {
      if (senders.get(this.project)?.token === mine.token) senders.delete(this.project);
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
  async drain(): Promise<void> {}
  async snapshot(): Promise<MetricsSnapshot> {
    return emptySnapshot();
  }
  async series(resolution: Resolution): Promise<MetricsSeries & { truncated: boolean }> {
    return seriesOf(resolution, [], Date.now());
  }
}
