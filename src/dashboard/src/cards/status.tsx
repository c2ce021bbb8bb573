import type { ResourceState } from '../resource';
import { Time } from '../time';
import { Card, Empty, StateBadge, Unavailable } from '../ui';

export interface LayerReport {
  layer: string;
  state: 'ok' | 'degraded' | 'down' | 'unconfigured' | string;
  latencyMs?: number;
  reason?: string;
  details?: Record<string, unknown>;
}
export interface StatusAnswer {
  verdict: string;
  summary?: string;
  layers: LayerReport[];
  service?: { version: string; project: string };
  checkedAt?: string;
}

const LAYER_NAMES: Record<string, string> = {
  github: 'GitHub',
  index: 'Index',
  context: 'Context store',
  ledger: 'Ledger',
  events: 'Event hub',
  wordpress: 'WordPress',
  cloudways: 'Cloudways',
};

export function layerName(layer: string): string {
  return LAYER_NAMES[layer] ?? layer;
}

function LayerRow({ layer }: { layer: LayerReport }) {
  return (
    <li className="flex items-start gap-2 py-1.5" data-layer={layer.layer}>
      <StateBadge state={layer.state} />
      <div className="min-w-0">
        <p className="font-medium text-slate-900">
          {layerName(layer.layer)}
          {layer.latencyMs !== undefined && <span className="font-normal text-slate-600"> · {Math.round(layer.latencyMs)} ms</span>}
        </p>
        {layer.reason && <p className="break-words text-xs text-slate-700">{layer.reason}</p>}
      </div>
    </li>
  );
}

function Layers({ status, names, what }: { status: ResourceState<StatusAnswer>; names: string[] | null; what: string }) {
  if (status.status !== 'ok') return <Unavailable state={status} what={what} endpoint="GET /ai/status" />;
  const layers = names ? status.data.layers.filter((l) => names.includes(l.layer)) : status.data.layers;
  if (layers.length === 0) return <Empty>This server reports no {what}.</Empty>;
  return (
    <>
      <ul className="divide-y divide-slate-100">
        {layers.map((layer) => (
          <LayerRow key={layer.layer} layer={layer} />
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-600">
        checked <Time iso={status.data.checkedAt ?? new Date(status.fetchedAt).toISOString()} />
      </p>
    </>
  );
}

export function HostingCard({ status }: { status: ResourceState<StatusAnswer> }) {
  return (
    <Card title="WordPress & Cloudways" id="hosting">
      <Layers status={status} names={['wordpress', 'cloudways']} what="hosting health" />
    </Card>
  );
}

/** One repository in the index layer's details (`src/indexing/status.ts`). */
interface IndexedRepo {
  repo: string;
  indexedCommit: string | null;
  headCommit: string | null;
  stale: boolean | null;
  indexedAt: string | null;
  running: boolean;
  lastRun: { outcome: string; finishedAt: string } | null;
}

export function IndexCard({ status }: { status: ResourceState<StatusAnswer> }) {
  const index = status.status === 'ok' ? status.data.layers.find((l) => l.layer === 'index') : undefined;
  const details = index?.details ?? {};
  const facts = Object.entries(details).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  const repos = Array.isArray(details.repos) ? (details.repos as IndexedRepo[]) : [];
  return (
    <Card title="Index freshness" id="index">
      {status.status !== 'ok' ? (
        <Unavailable state={status} what="index freshness" endpoint="GET /ai/status" />
      ) : !index ? (
        <Empty>Not available on this server: its status does not report the code index yet.</Empty>
      ) : (
        <div className="space-y-2">
          <ul>
            <LayerRow layer={index} />
          </ul>
          {repos.length > 0 && (
            <ul className="space-y-1 text-xs">
              {repos.map((r) => (
                <li key={r.repo} className="flex flex-wrap gap-x-2">
                  <span className="font-mono text-slate-900">{r.repo}</span>
                  <span className="font-mono text-slate-600">{r.indexedCommit ? r.indexedCommit.slice(0, 7) : 'not indexed'}</span>
                  <span className={r.stale ? 'text-amber-800' : 'text-slate-600'}>{r.stale === null ? 'head unknown' : r.stale ? `behind ${r.headCommit?.slice(0, 7) ?? ''}` : 'at head'}</span>
                  {r.indexedAt && <span className="text-slate-600">indexed <Time iso={r.indexedAt} /></span>}
                  {r.running && <span className="text-slate-600">re-indexing</span>}
                  {r.lastRun?.outcome === 'failed' && <span className="text-red-800">last run failed</span>}
                </li>
              ))}
            </ul>
          )}
          {facts.length > 0 && (
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-xs">
              {facts.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-600">{k}</dt>
                  <dd className="font-mono text-slate-900">{/At$/.test(k) && typeof v === 'string' ? <Time iso={v} /> : String(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
    </Card>
  );
}

export function LayersCard({ status }: { status: ResourceState<StatusAnswer> }) {
  return (
    <Card title="Service layers" id="layers" actions={status.status === 'ok' ? <StateBadge state={status.data.verdict} /> : undefined}>
      <Layers status={status} names={null} what="layer status" />
    </Card>
  );
}
