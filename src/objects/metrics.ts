import { DurableObject } from 'cloudflare:workers';
import { aggregate, emptySnapshot, type MetricsSnapshot, type Observation } from '../metrics/model';

/**
 * The metrics aggregate for one project: isolates send batches of observations,
 * the object folds them into counters and histograms (single-threaded, so no lost
 * updates) and keeps them in storage so they survive eviction.
 */
export class MetricsObject extends DurableObject {
  #state?: MetricsSnapshot;

  private state(): MetricsSnapshot {
    this.#state ??= this.ctx.storage.kv.get<MetricsSnapshot>('snapshot') ?? emptySnapshot();
    return this.#state;
  }

  record(batch: Observation[]): number {
    this.#state = aggregate(this.state(), batch);
    this.ctx.storage.kv.put('snapshot', this.#state);
    return batch.length;
  }

  snapshot(): MetricsSnapshot {
    return this.state();
  }
}
