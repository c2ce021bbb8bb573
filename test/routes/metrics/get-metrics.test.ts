import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { parsePrometheus, sampleValue } from '../../support/prometheus-parser';
import { DurableObjectMetricsSink } from '../../../src/metrics/sink';
import type { MetricsJson } from '../../../src/routes/metrics/get-metrics';
import type { Observation } from '../../../src/metrics/model';
import type { MetricsObject } from '../../../src/objects/metrics';

const project = () => ({ PROJECT_ID: `met-${crypto.randomUUID().slice(0, 12)}` });

describe('GET /ai/metrics', () => {
  it('counts requests by route template, client and status, with latency and errors, as Prometheus text', async () => {
    const e = project();
    expectStatus(await call('GET', '/ai/context', { as: 'gpt', env: e }), 200);
    expectStatus(await call('GET', '/ai/context', { as: 'gpt', env: e }), 200);
    expectProblem(await call('GET', '/ai/context', { env: e }), 401, 'unauthenticated');
    expectProblem(await call('POST', '/ai/maintenance/reindex', { as: 'gpt', env: e }), 403, 'client_not_allowed');
    expectProblem(await call('GET', '/ai/nope', { as: 'human', env: e }), 404, 'not_found');

    const result = await call('GET', '/ai/metrics', { as: 'human', env: e });
    expectStatus(result, 200);
    expect(result.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const families = parsePrometheus(result.text);
    const projectId = e.PROJECT_ID;
    expect(
      sampleValue(families, 'hezlep_http_requests_total', {
        project: projectId,
        route: '/ai/context',
        method: 'GET',
        client: 'gpt',
        status: '200',
      }),
    ).toBe(2);
    expect(
      sampleValue(families, 'hezlep_http_requests_total', {
        project: projectId,
        route: '/ai/context',
        client: 'anonymous',
        status: '401',
      }),
    ).toBe(1);
    expect(
      sampleValue(families, 'hezlep_http_requests_total', {
        project: projectId,
        route: '/ai/maintenance/:job',
        client: 'gpt',
        status: '403',
      }),
    ).toBe(1);
    expect(
      sampleValue(families, 'hezlep_http_errors_total', {
        project: projectId,
        route: '/ai/context',
        code: 'unauthenticated',
      }),
    ).toBe(1);
    expect(
      sampleValue(families, 'hezlep_http_errors_total', { project: projectId, route: 'unmatched', code: 'not_found' }),
    ).toBe(1);
    expect(
      sampleValue(families, 'hezlep_http_request_duration_seconds_count', {
        project: projectId,
        route: '/ai/context',
        method: 'GET',
      }),
    ).toBe(3);
    // The raw path of a templated route never becomes a label value.
    expect(result.text).not.toContain('/ai/maintenance/reindex');
  });

  it('answers JSON with ?format=json or Accept: application/json', async () => {
    const e = project();
    await call('GET', '/ai/context', { as: 'cursor', env: e });
    const byQuery = await call<MetricsJson>('GET', '/ai/metrics?format=json', { as: 'human', env: e });
    expectStatus(byQuery, 200);
    expect(byQuery.body).toMatchObject({ project: e.PROJECT_ID, aggregated: true });
    expect(byQuery.body.requests).toContainEqual({
      route: '/ai/context',
      method: 'GET',
      client: 'cursor',
      status: 200,
      count: 1,
    });
    expect(byQuery.body.bucketsSeconds.length).toBe(byQuery.body.latency[0]!.buckets.length);
    const byAccept = await call<MetricsJson>('GET', '/ai/metrics', {
      as: 'cron',
      env: e,
      headers: { accept: 'application/json' },
    });
    expect(byAccept.headers.get('content-type')).toContain('application/json');
    // the first /ai/metrics call is counted by now
    expect(byAccept.body.requests.find((r) => r.route === '/ai/metrics')?.count).toBe(1);
  });

  it('aggregates batches flushed from different isolates in one Durable Object', async () => {
    const name = `agg-${crypto.randomUUID().slice(0, 8)}`;
    const a = new DurableObjectMetricsSink(env.METRICS!, name);
    const b = new DurableObjectMetricsSink(env.METRICS!, name);
    a.record({ route: '/x', method: 'GET', client: 'gpt', status: 200, durationMs: 1 });
    await a.flush();
    b.record({ route: '/x', method: 'GET', client: 'gpt', status: 200, durationMs: 2 });
    b.record({ route: '/x', method: 'GET', client: 'human', status: 200, durationMs: 2 });
    await b.flush();
    await a.flush(); // nothing pending: no double count
    const snapshot = await a.snapshot();
    expect(snapshot.requests).toEqual([
      { route: '/x', method: 'GET', client: 'gpt', status: 200, count: 2 },
      { route: '/x', method: 'GET', client: 'human', status: 200, count: 1 },
    ]);
    expect(snapshot.latency[0]!.count).toBe(3);
  });

  it('sends what requests record while a send is in flight in the next call of that sender, not one call each', async () => {
    const name = `drain-${crypto.randomUUID().slice(0, 8)}`;
    const batches: number[] = [];
    // The real object behind a stub that counts the record calls reaching it.
    const counting = {
      idFromName: (id: string) => env.METRICS!.idFromName(id),
      get: (id: DurableObjectId) => {
        const stub = env.METRICS!.get(id);
        return {
          record: (batch: Observation[]) => {
            batches.push(batch.length);
            return stub.record(batch);
          },
          snapshot: () => stub.snapshot(),
        };
      },
    } as unknown as DurableObjectNamespace<MetricsObject>;
    const seen: Observation = { route: '/x', method: 'PATCH', client: 'cursor', status: 200, durationMs: 3 };
    const first = new DurableObjectMetricsSink(counting, name);
    first.record(seen);
    const sending = first.drain(); // its record call is in flight from here
    for (let i = 0; i < 5; i++) {
      const later = new DurableObjectMetricsSink(counting, name);
      later.record(seen);
      await later.drain(); // returns at once: the first sender carries it
    }
    expect(batches).toEqual([1]);
    await sending;
    expect(batches).toEqual([1, 5]);
    expect((await first.snapshot()).latency[0]!.count).toBe(6);
    // Nothing is left behind once the sender is done, and the next request sends for itself again.
    await first.drain();
    expect(batches).toEqual([1, 5]);
    first.record(seen);
    await first.drain();
    expect(batches).toEqual([1, 5, 1]);
  });

  it('says it is not aggregating when no METRICS binding exists', async () => {
    const result = await call<MetricsJson>('GET', '/ai/metrics?format=json', {
      as: 'human',
      env: { ...project(), METRICS: undefined },
    });
    expectStatus(result, 200);
    expect(result.body).toMatchObject({ aggregated: false, requests: [] });
  });
});

describeAuthCases('GET', '/ai/metrics', ['human', 'cron', 'cursor']);
