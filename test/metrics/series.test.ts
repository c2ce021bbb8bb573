import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { quantileMs } from '../../src/metrics/series';
import { LATENCY_BUCKETS } from '../../src/metrics/model';
import type { MetricsObject } from '../../src/objects/metrics';
import type { MetricsJson } from '../../src/routes/metrics/get-metrics';

const HOUR = 3_600_000;
const observation = (at: number, durationMs = 20, status = 200) => ({
  route: '/ai/x',
  method: 'GET',
  client: 'gpt',
  status,
  durationMs,
  at,
});

describe('metrics time series', () => {
  it('answers per-minute points for 24 h and per-hour points for 7 days on /ai/metrics?format=json&series=', async () => {
    const e = { PROJECT_ID: `ser-${crypto.randomUUID().slice(0, 12)}` };
    expectStatus(await call('GET', '/ai/context', { as: 'gpt', env: e }), 200);
    expectStatus(await call('GET', '/ai/context', { as: 'gpt', env: e }), 200);
    expectProblem(await call('GET', '/ai/context', { env: e }), 401, 'unauthenticated');

    const day = await call<MetricsJson>('GET', '/ai/metrics?format=json&series=24h', { as: 'human', env: e });
    expectStatus(day, 200);
    const series = day.body.series!;
    expect(series).toMatchObject({ resolution: 'minute', stepSeconds: 60, truncated: false });
    const context = series.routes.find((r) => r.route === '/ai/context')!;
    expect(context.total).toBe(3);
    expect(context.points.reduce((sum, p) => sum + p.count, 0)).toBe(3);
    expect(context.points.reduce((sum, p) => sum + p.errors, 0)).toBe(1);
    expect(context.points[0]!.p50Ms).toEqual(expect.any(Number));
    expect(Date.parse(context.points[0]!.at) % 60_000).toBe(0);

    const week = await call<MetricsJson>('GET', '/ai/metrics?format=json&series=7d', { as: 'cron', env: e });
    expectStatus(week, 200);
    expect(week.body.series).toMatchObject({ resolution: 'hour', stepSeconds: 3600 });
    expect(Date.parse(week.body.series!.routes.find((r) => r.route === '/ai/context')!.points[0]!.at) % HOUR).toBe(0);
    // Without series the answer stays as it was.
    expect(
      (await call<MetricsJson>('GET', '/ai/metrics?format=json', { as: 'human', env: e })).body.series,
    ).toBeUndefined();
  });

  it('refuses a series outside the JSON answer and an unknown span (400)', async () => {
    expectProblem(await call('GET', '/ai/metrics?series=24h', { as: 'human' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/ai/metrics?format=json&series=30d', { as: 'human' }), 400, 'validation_failed');
  });

  it('keeps minutes for 24 h and hours for 7 days, dropping older buckets from storage', async () => {
    const stub = env.METRICS!.get(env.METRICS!.idFromName(`series-${crypto.randomUUID()}`));
    const now = Date.UTC(2026, 0, 10, 12, 30);
    await stub.record(
      [observation(now), observation(now - 2 * 60_000), observation(now - 25 * HOUR), observation(now - 8 * 24 * HOUR)],
      now,
    );
    const minutes = await stub.series('minute', now);
    expect(minutes.routes[0]!.points.map((p) => p.at)).toEqual([
      new Date(now - 2 * 60_000).toISOString(),
      new Date(now).toISOString(),
    ]);
    const hours = await stub.series('hour', now);
    expect(hours.routes[0]!.points.map((p) => [p.at, p.count])).toEqual([
      [new Date(Date.UTC(2026, 0, 9, 11)).toISOString(), 1],
      [new Date(Date.UTC(2026, 0, 10, 12)).toISOString(), 2],
    ]);

    // Eight days on, a new batch leaves only its own two buckets behind.
    const later = now + 8 * 24 * HOUR;
    await stub.record([observation(later)], later);
    const keys = await runInDurableObject(stub, (object: MetricsObject, state) =>
      [...state.storage.kv.list({ prefix: 'series:' })].map(([key]) => key),
    );
    expect(keys).toHaveLength(2);
    expect((await stub.series('hour', later)).routes[0]!.total).toBe(1);
  });

  it('estimates quantiles inside the histogram bucket the rank falls in', () => {
    const buckets = LATENCY_BUCKETS.map(() => 0);
    buckets[1] = 10; // 10 requests between 5 and 10 ms
    expect(quantileMs(buckets, 10, 0.5)).toBe(7.5);
    expect(quantileMs(buckets, 10, 0.95)).toBe(9.8);
    expect(quantileMs(buckets, 0, 0.5)).toBeNull();
    // Slower than the largest bound: reported as that bound.
    expect(
      quantileMs(
        LATENCY_BUCKETS.map(() => 0),
        3,
        0.5,
      ),
    ).toBe(10_000);
  });
});
