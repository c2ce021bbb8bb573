import { LATENCY_BUCKETS, type MetricsSnapshot } from './model';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(pairs: Record<string, string | number>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Prometheus text exposition format 0.0.4. */
export function renderPrometheus(snapshot: MetricsSnapshot, project: string): string {
  const out: string[] = [];
  out.push('# HELP hezlep_http_requests_total Requests served, by route template, method, client and status.');
  out.push('# TYPE hezlep_http_requests_total counter');
  for (const r of snapshot.requests) {
    out.push(
      `hezlep_http_requests_total${labels({ project, route: r.route, method: r.method, client: r.client, status: r.status })} ${r.count}`,
    );
  }
  out.push('# HELP hezlep_http_request_duration_seconds Time to serve a request, by route template and method.');
  out.push('# TYPE hezlep_http_request_duration_seconds histogram');
  for (const l of snapshot.latency) {
    const base = { project, route: l.route, method: l.method };
    LATENCY_BUCKETS.forEach((bound, i) => {
      out.push(
        `hezlep_http_request_duration_seconds_bucket${labels({ ...base, le: String(bound) })} ${l.buckets[i] ?? 0}`,
      );
    });
    out.push(`hezlep_http_request_duration_seconds_bucket${labels({ ...base, le: '+Inf' })} ${l.count}`);
    out.push(`hezlep_http_request_duration_seconds_sum${labels(base)} ${number(Math.round(l.sum * 1e6) / 1e6)}`);
    out.push(`hezlep_http_request_duration_seconds_count${labels(base)} ${l.count}`);
  }
  out.push('# HELP hezlep_http_errors_total Refused or failed requests, by route template and problem code.');
  out.push('# TYPE hezlep_http_errors_total counter');
  for (const e of snapshot.errors)
    out.push(`hezlep_http_errors_total${labels({ project, route: e.route, code: e.code })} ${e.count}`);
  out.push(
    '# HELP hezlep_redactions_total Secrets replaced on the way in or out toward a model, by kind (never the values).',
  );
  out.push('# TYPE hezlep_redactions_total counter');
  for (const r of snapshot.redactions ?? [])
    out.push(`hezlep_redactions_total${labels({ project, kind: r.kind })} ${r.count}`);
  out.push('# HELP hezlep_metrics_since_seconds Unix time the counters started from.');
  out.push('# TYPE hezlep_metrics_since_seconds gauge');
  out.push(`hezlep_metrics_since_seconds${labels({ project })} ${Math.floor(Date.parse(snapshot.since) / 1000)}`);
  return out.join('\n') + '\n';
}
