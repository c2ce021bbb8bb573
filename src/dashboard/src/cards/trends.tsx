import { useMemo, useState } from 'react';
import { useResource } from '../resource';
import type { IntentView, MetricsSeries, Transition } from '../server-types';
import { BandRow, LineChart, StackedBars, type Band, type StackedBar } from '../charts';
import { Card, Empty, Unavailable } from '../ui';
import { layerName, readableReason } from './status';

type Span = '24h' | '7d';
const SPAN_MS: Record<Span, number> = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };

/** Bands per layer from transitions (newest first): each state lasts until the next transition. */
export function bandsOf(transitions: Transition[], from: number, to: number): Map<string, Band[]> {
  const byLayer = new Map<string, Transition[]>();
  for (const t of [...transitions].reverse()) byLayer.set(t.layer, [...(byLayer.get(t.layer) ?? []), t]);
  const result = new Map<string, Band[]>();
  for (const [layer, list] of byLayer) {
    const bands: Band[] = [];
    const first = list[0]!;
    if (Date.parse(first.at) > from) {
      const state = first.from ?? 'unknown';
      bands.push({
        start: from,
        end: Date.parse(first.at),
        state,
        label: `${layerName(layer)} ${state === 'unknown' ? 'not checked yet' : state} until ${when(first.at)}`,
      });
    }
    list.forEach((t, i) => {
      const next = list[i + 1];
      const end = next ? Date.parse(next.at) : to;
      if (end <= from) return;
      bands.push({
        start: Math.max(from, Date.parse(t.at)),
        end,
        state: t.to,
        label: `${layerName(layer)} ${t.to} from ${when(t.at)}${next ? ` to ${when(next.at)}` : ' until now'}: ${readableReason(t.reason)}`,
      });
    });
    result.set(layer, bands);
  }
  return result;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function SpanPicker({ span, onChange }: { span: Span; onChange(span: Span): void }) {
  return (
    <div role="radiogroup" aria-label="Time span" className="inline-flex rounded-md ring-1 ring-slate-300">
      {(['24h', '7d'] as const).map((option) => (
        <button
          key={option}
          type="button"
          role="radio"
          aria-checked={span === option}
          onClick={() => onChange(option)}
          className={`px-2.5 py-1 text-sm font-medium first:rounded-l-md last:rounded-r-md focus-visible:outline-2 focus-visible:outline-sky-600 ${span === option ? 'bg-slate-900 text-white' : 'bg-white text-slate-800 hover:bg-slate-50'}`}
        >
          {option === '24h' ? 'Last 24 h' : 'Last 7 days'}
        </button>
      ))}
    </div>
  );
}

function Uptime({ span }: { span: Span }) {
  const [history] = useResource<{ transitions: Transition[]; truncated: boolean }>('/ai/status/history?limit=200', [
    'health',
  ]);
  const [shown, setShown] = useState<string | null>(null);
  const to = Date.now();
  const from = to - SPAN_MS[span];
  // biome-ignore lint/correctness/useExhaustiveDependencies: the window moves when the history or the span changes, not on every render
  const bands = useMemo(
    () => (history.status === 'ok' ? bandsOf(history.data.transitions, from, to) : new Map<string, Band[]>()),
    [history, span],
  );
  if (history.status !== 'ok')
    return <Unavailable state={history} what="the uptime history" endpoint="GET /ai/status/history" />;
  if (bands.size === 0) return <Empty>No layer has been checked yet.</Empty>;
  return (
    <div className="space-y-1.5" data-chart="uptime">
      {[...bands].map(([layer, list]) => (
        <div key={layer} className="grid grid-cols-[6.5rem_1fr] items-center gap-2" data-uptime-layer={layer}>
          <span className="truncate text-xs text-slate-700">{layerName(layer)}</span>
          <BandRow name={layerName(layer)} bands={list} from={from} to={to} onShow={setShown} />
        </div>
      ))}
      <p className="min-h-5 text-xs text-slate-700" aria-live="polite" data-uptime-detail>
        {shown ?? 'Hover or focus a band for its state, reason and time.'}
      </p>
    </div>
  );
}

function Latency({ span }: { span: Span }) {
  const [metrics] = useResource<{ series?: MetricsSeries }>(`/ai/metrics?format=json&series=${span}`);
  const [choice, setChoice] = useState<string | null>(null);
  if (metrics.status !== 'ok') return <Unavailable state={metrics} what="request metrics" endpoint="GET /ai/metrics" />;
  const series = metrics.data.series;
  if (!series || series.routes.length === 0) return <Empty>No requests recorded in this span.</Empty>;
  const key = (r: MetricsSeries['routes'][number]) => `${r.method} ${r.route}`;
  const route = series.routes.find((r) => key(r) === choice) ?? series.routes[0]!;
  const from = Date.parse(series.from);
  const to = Date.parse(series.to);
  const points = (pick: (p: MetricsSeries['routes'][number]['points'][number]) => number | null) =>
    route.points.map((p) => ({ t: Date.parse(p.at), v: pick(p) }));
  const perMinute = series.stepSeconds / 60;
  return (
    <div className="space-y-2" data-chart="latency">
      <label className="flex flex-wrap items-center gap-2 text-xs text-slate-700">
        Route
        <select
          value={key(route)}
          onChange={(e) => setChoice(e.target.value)}
          className="max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs focus-visible:outline-2 focus-visible:outline-sky-600"
        >
          {series.routes.map((r) => (
            <option key={key(r)} value={key(r)}>
              {key(r)} ({r.total})
            </option>
          ))}
        </select>
      </label>
      <LineChart
        label={`p50 and p95 latency of ${key(route)}`}
        unit="ms"
        from={from}
        to={to}
        lines={[
          { name: 'p50', colour: '#0369a1', points: points((p) => p.p50Ms) },
          { name: 'p95', colour: '#c2410c', points: points((p) => p.p95Ms) },
        ]}
      />
      <LineChart
        label={`requests per minute to ${key(route)}`}
        unit="/min"
        from={from}
        to={to}
        lines={[
          { name: 'requests', colour: '#334155', points: points((p) => p.count / perMinute) },
          { name: 'errors', colour: '#b91c1c', points: points((p) => p.errors / perMinute) },
        ]}
      />
    </div>
  );
}

const OUTCOMES: { name: string; states: string[]; colour: string }[] = [
  { name: 'succeeded', states: ['succeeded'], colour: '#059669' },
  { name: 'failed', states: ['failed'], colour: '#b91c1c' },
  { name: 'rejected', states: ['rejected', 'cancelled'], colour: '#7c3aed' },
  { name: 'expired', states: ['expired'], colour: '#94a3b8' },
  { name: 'open', states: ['proposed', 'approved', 'executing'], colour: '#d97706' },
];

/** The last 100 intents by the day they were proposed and how they ended (days in UTC). */
export function intentsPerDay(
  intents: Pick<IntentView, 'createdAt' | 'state'>[],
  days: number,
  now = Date.now(),
): StackedBar[] {
  const bars: StackedBar[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now - i * 86_400_000).toISOString().slice(0, 10);
    const ofDay = intents.filter((intent) => intent.createdAt.slice(0, 10) === day);
    bars.push({
      label: day.slice(5),
      parts: OUTCOMES.map((o) => ({
        name: o.name,
        colour: o.colour,
        value: ofDay.filter((intent) => o.states.includes(intent.state)).length,
      })),
    });
  }
  return bars;
}

function IntentsPerDay({ span }: { span: Span }) {
  const [list] = useResource<{ intents: IntentView[]; truncated: boolean }>('/ai/intents?limit=100', ['intents']);
  if (list.status !== 'ok') return <Unavailable state={list} what="intents" endpoint="GET /ai/intents" />;
  const days = span === '24h' ? 2 : 7;
  return (
    <div data-chart="intents">
      <StackedBars label="Intents per day by outcome" bars={intentsPerDay(list.data.intents, days)} />
      <p className="flex flex-wrap gap-3 text-xs text-slate-700">
        {OUTCOMES.map((o) => (
          <span key={o.name} className="inline-flex items-center gap-1">
            <span className="inline-block h-2 w-3 rounded-sm" style={{ background: o.colour }} aria-hidden="true" />
            {o.name}
          </span>
        ))}
        {list.data.truncated && <span>(the latest 100 intents)</span>}
      </p>
    </div>
  );
}

export function TrendsCard() {
  const [span, setSpan] = useState<Span>('24h');
  return (
    <Card title="Trends" id="trends" span="full" actions={<SpanPicker span={span} onChange={setSpan} />}>
      <div className="grid gap-4 lg:grid-cols-3">
        <section aria-label="Uptime by layer" className="min-w-0">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Uptime by layer</h3>
          <Uptime span={span} />
        </section>
        <section aria-label="Latency and request rate" className="min-w-0">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Latency and requests</h3>
          <Latency span={span} />
        </section>
        <section aria-label="Intents per day" className="min-w-0">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Intents per day</h3>
          <IntentsPerDay span={span} />
        </section>
      </div>
    </Card>
  );
}
