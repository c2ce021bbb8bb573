/** One finished request, as the middleware saw it. */
export interface Observation {
  route: string;
  method: string;
  client: string;
  status: number;
  durationMs: number;
  /** The problem code when the request was refused or failed. */
  errorCode?: string;
  /** Secrets the request replaced, by kind (src/redaction/). */
  redactions?: Record<string, number>;
  /** When the request started (epoch ms); the time series buckets by it. */
  at?: number;
}

/** Upper bounds of the latency histogram, in seconds (Prometheus convention). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The aggregate a Durable Object keeps for one project. Plain JSON, so it persists as one value. */
export interface MetricsSnapshot {
  since: string;
  requests: { route: string; method: string; client: string; status: number; count: number }[];
  latency: { route: string; method: string; buckets: number[]; sum: number; count: number }[];
  errors: { route: string; code: string; count: number }[];
  /** Secrets replaced on the way in or out, by kind (absent in snapshots persisted before it existed). */
  redactions?: { kind: string; count: number }[];
}

export function emptySnapshot(now = new Date()): MetricsSnapshot {
  return { since: now.toISOString(), requests: [], latency: [], errors: [], redactions: [] };
}

/** Fold a batch of observations into the snapshot (pure; the object calls it under its single thread). */
export function aggregate(snapshot: MetricsSnapshot, batch: readonly Observation[]): MetricsSnapshot {
  const requests = new Map(
    snapshot.requests.map((r) => [`${r.route}\u0000${r.method}\u0000${r.client}\u0000${r.status}`, { ...r }]),
  );
  const latency = new Map(
    snapshot.latency.map((l) => [`${l.route}\u0000${l.method}`, { ...l, buckets: [...l.buckets] }]),
  );
  const errors = new Map(snapshot.errors.map((e) => [`${e.route}\u0000${e.code}`, { ...e }]));
  const redactions = new Map((snapshot.redactions ?? []).map((r) => [r.kind, { ...r }]));
  for (const o of batch) {
    const rk = `${o.route}\u0000${o.method}\u0000${o.client}\u0000${o.status}`;
    const r = requests.get(rk) ?? { route: o.route, method: o.method, client: o.client, status: o.status, count: 0 };
    r.count++;
    requests.set(rk, r);
    const lk = `${o.route}\u0000${o.method}`;
    const l = latency.get(lk) ?? {
      route: o.route,
      method: o.method,
      buckets: LATENCY_BUCKETS.map(() => 0),
      sum: 0,
      count: 0,
    };
    const seconds = Math.max(0, o.durationMs) / 1000;
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) l.buckets[i]!++;
    });
    l.sum += seconds;
    l.count++;
    latency.set(lk, l);
    if (o.errorCode) {
      const ek = `${o.route}\u0000${o.errorCode}`;
      const e = errors.get(ek) ?? { route: o.route, code: o.errorCode, count: 0 };
      e.count++;
      errors.set(ek, e);
    }
    for (const [kind, count] of Object.entries(o.redactions ?? {})) {
      const r = redactions.get(kind) ?? { kind, count: 0 };
      r.count += count;
      redactions.set(kind, r);
    }
  }
  const byKey = <T>(map: Map<string, T>) =>
    [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    since: snapshot.since,
    requests: byKey(requests),
    latency: byKey(latency),
    errors: byKey(errors),
    redactions: byKey(redactions),
  };
}
