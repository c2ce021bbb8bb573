import { describe, expect, it } from 'vitest';
import { aggregate, emptySnapshot } from '../../src/metrics/model';
import { renderPrometheus } from '../../src/metrics/prometheus';
import { parsePrometheus, sampleValue } from '../support/prometheus-parser';

describe('Prometheus rendering', () => {
  it('renders counters, histograms and the since gauge a strict parser accepts, escaping label values', () => {
    const snapshot = aggregate(emptySnapshot(), [
      { route: '/ai/context', method: 'GET', client: 'gpt', status: 200, durationMs: 3 },
      { route: '/ai/context', method: 'GET', client: 'gpt', status: 200, durationMs: 40 },
      {
        route: '/ai/context',
        method: 'GET',
        client: 'anonymous',
        status: 401,
        durationMs: 1,
        errorCode: 'unauthenticated',
      },
      {
        route: '/we"ird\\route\n',
        method: 'POST',
        client: 'human',
        status: 500,
        durationMs: 20_000,
        errorCode: 'internal',
      },
    ]);
    const text = renderPrometheus(snapshot, 'p1');
    const families = parsePrometheus(text);
    expect(families.get('hezlep_http_requests_total')!.type).toBe('counter');
    expect(
      sampleValue(families, 'hezlep_http_requests_total', { route: '/ai/context', client: 'gpt', status: '200' }),
    ).toBe(2);
    expect(
      sampleValue(families, 'hezlep_http_request_duration_seconds_bucket', { route: '/ai/context', le: '0.005' }),
    ).toBe(2);
    expect(
      sampleValue(families, 'hezlep_http_request_duration_seconds_bucket', { route: '/ai/context', le: '0.05' }),
    ).toBe(3);
    expect(sampleValue(families, 'hezlep_http_request_duration_seconds_count', { route: '/ai/context' })).toBe(3);
    expect(
      sampleValue(families, 'hezlep_http_request_duration_seconds_bucket', { route: '/we"ird\\route\n', le: '10' }),
    ).toBe(0);
    expect(
      sampleValue(families, 'hezlep_http_request_duration_seconds_bucket', { route: '/we"ird\\route\n', le: '+Inf' }),
    ).toBe(1);
    expect(sampleValue(families, 'hezlep_http_errors_total', { code: 'unauthenticated' })).toBe(1);
    expect(families.get('hezlep_metrics_since_seconds')!.type).toBe('gauge');
    expect(sampleValue(families, 'hezlep_metrics_since_seconds', { project: 'p1' })).toBe(
      Math.floor(Date.parse(snapshot.since) / 1000),
    );
  });

  it('the parser rejects what a scraper would reject', () => {
    const bad = [
      'no_type_declared 1\n',
      '# TYPE m counter\nm{a="x} 1\n',
      '# TYPE m counter\nm{a="x"} one\n',
      '# TYPE m counter\nm{1a="x"} 1\n',
      '# TYPE m counter\nm 1',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
    ];
    for (const text of bad) expect(() => parsePrometheus(text), text).toThrow();
  });
});
