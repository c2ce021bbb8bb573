import { useEffect } from 'react';
import { useResource, type ResourceState } from '../resource';
import { Time } from '../time';
import { Badge, buttonClass, Card, Empty, StateBadge, Unavailable, type Tone } from '../ui';

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
  'event-hub': 'Event hub',
  wordpress: 'WordPress',
  cloudways: 'Cloudways',
};

export function layerName(layer: string): string {
  return LAYER_NAMES[layer] ?? layer;
}

const ISO_TIME = /\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z\b/g;

/** Server reasons may carry machine timestamps ("…until 2026-11-25T04:00:41.000Z"): show them as a person writes them. */
export function readableReason(reason: string, now = new Date()): string {
  const today = now.toISOString().slice(0, 10);
  return reason.replace(ISO_TIME, (_, day: string, time: string) =>
    day === today ? `${time} UTC` : `${day} ${time} UTC`,
  );
}

function LayerRow({ layer }: { layer: LayerReport }) {
  return (
    <li className="flex items-start gap-2 py-1.5" data-layer={layer.layer}>
      <StateBadge state={layer.state} />
      <div className="min-w-0">
        <p className="font-medium text-slate-900">
          {layerName(layer.layer)}
          {layer.latencyMs !== undefined && layer.state !== 'unconfigured' && (
            <span className="font-normal text-slate-600"> · {Math.round(layer.latencyMs)} ms</span>
          )}
        </p>
        {layer.reason && <p className="break-words text-xs text-slate-700">{readableReason(layer.reason)}</p>}
      </div>
    </li>
  );
}

function Layers({
  status,
  names,
  what,
}: {
  status: ResourceState<StatusAnswer>;
  names: string[] | null;
  what: string;
}) {
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

/** Ask again now: health and freshness change upstream without an event telling the page. */
function CheckNow({ onClick, what }: { onClick(): void; what: string }) {
  return (
    <button type="button" className={buttonClass.quiet} onClick={onClick} aria-label={`Check ${what} now`}>
      Check now
    </button>
  );
}

export function HostingCard({ status, onRefresh }: { status: ResourceState<StatusAnswer>; onRefresh(): void }) {
  return (
    <Card title="WordPress & Cloudways" id="hosting" actions={<CheckNow onClick={onRefresh} what="hosting health" />}>
      <Layers status={status} names={['wordpress', 'cloudways']} what="hosting health" />
    </Card>
  );
}

interface RepoIndex {
  repo: string;
  branch: string;
  indexedCommit: string | null;
  indexedAt: string | null;
  freshness: {
    indexedCommit: string | null;
    headCommit: string | null;
    stale: boolean | null;
    indexedAt: string | null;
    running: boolean;
  };
  files: number;
  chunks: number;
  embedded: number;
  running: {
    phase: string;
    filesDone: number;
    filesPlanned: number;
    lastError: string | null;
    etaSeconds?: number | null;
  } | null;
  lastRun: {
    trigger: string;
    actor: string;
    finishedAt: string;
    durationMs: number;
    outcome: string;
    error: string | null;
  } | null;
}

const RUNNING_POLL_MS = 2_000;

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : null);

/** One word for where the index stands: what a person looks for first. */
function freshnessOf(repo: RepoIndex): { label: string; tone: Tone } {
  if (repo.running || repo.freshness.running) return { label: 'indexing', tone: 'info' };
  if (!repo.indexedCommit) return { label: 'not indexed', tone: 'muted' };
  if (repo.freshness.stale === true) return { label: 'stale', tone: 'warn' };
  if (repo.freshness.stale === false) return { label: 'fresh', tone: 'good' };
  return { label: 'head unknown', tone: 'muted' };
}

const OUTCOMES: Record<string, string> = { succeeded: 'succeeded', failed: 'failed', up_to_date: 'already up to date' };

function etaText(seconds: number): string {
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

function RepoIndexRow({ repo }: { repo: RepoIndex }) {
  const { label, tone } = freshnessOf(repo);
  const head = short(repo.freshness.headCommit);
  const indexed = short(repo.indexedCommit);
  return (
    <li className="space-y-1 py-2" data-index-repo={repo.repo} data-freshness={label}>
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={tone}>{label}</Badge>
        <span className="min-w-0 break-all font-medium text-slate-900">{repo.repo}</span>
        <span className="text-slate-600">
          on <span className="font-mono">{repo.branch}</span>
        </span>
      </p>
      <p className="text-xs text-slate-700">
        {indexed ? (
          <>
            Indexed <span className="font-mono">{indexed}</span> <Time iso={repo.indexedAt} />
            {label === 'stale' && head && (
              <>
                ; the branch has moved on to <span className="font-mono">{head}</span>
              </>
            )}
            {label === 'head unknown' && '; GitHub could not be asked for the branch head'}
          </>
        ) : (
          'Nothing indexed yet.'
        )}
      </p>
      {repo.running && (
        <div className="space-y-1" data-index-progress>
          <progress
            className="h-2 w-full overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-sky-700"
            max={Math.max(1, repo.running.filesPlanned)}
            value={repo.running.filesDone}
            aria-label={`Index run of ${repo.repo}: ${repo.running.filesDone} of ${repo.running.filesPlanned} files`}
          />
          <p className="text-xs text-slate-700">
            Running: {repo.running.phase}, {repo.running.filesDone} of {repo.running.filesPlanned} files
            {repo.running.etaSeconds != null && <>, about {etaText(repo.running.etaSeconds)} left</>}
            {repo.running.lastError && (
              <span className="text-red-800"> (retrying after: {repo.running.lastError})</span>
            )}
          </p>
        </div>
      )}
      <p className="text-xs text-slate-600">
        {repo.files} files · {repo.chunks} chunks · {repo.embedded} with vectors
      </p>
      {repo.lastRun && (
        <p className="text-xs text-slate-600">
          Last run {OUTCOMES[repo.lastRun.outcome] ?? repo.lastRun.outcome} <Time iso={repo.lastRun.finishedAt} /> (
          {repo.lastRun.trigger} by {repo.lastRun.actor}, {(repo.lastRun.durationMs / 1000).toFixed(1)} s)
          {repo.lastRun.error && <span className="block text-red-800">{repo.lastRun.error}</span>}
        </p>
      )}
    </li>
  );
}

export function IndexCard() {
  const [index, reload] = useResource<{ repos: RepoIndex[] }>('/ai/github/index', ['index']);
  // A run announces its start on the event stream but not its end: follow it closely while one is running.
  const running = index.status === 'ok' && index.data.repos.some((r) => r.running || r.freshness.running);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, RUNNING_POLL_MS);
    return () => clearInterval(timer);
  }, [running, reload]);
  return (
    <Card title="Index freshness" id="index" actions={<CheckNow onClick={reload} what="index freshness" />}>
      {index.status !== 'ok' ? (
        <Unavailable state={index} what="index freshness" endpoint="GET /ai/github/index" />
      ) : index.data.repos.length === 0 ? (
        <Empty>No repository is indexed on this server (INDEX_REPOS is empty).</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {index.data.repos.map((repo) => (
            <RepoIndexRow key={repo.repo} repo={repo} />
          ))}
        </ul>
      )}
    </Card>
  );
}

export function LayersCard({ status }: { status: ResourceState<StatusAnswer> }) {
  return (
    <Card
      title="Service layers"
      id="layers"
      actions={status.status === 'ok' ? <StateBadge state={status.data.verdict} /> : undefined}
    >
      <Layers status={status} names={null} what="layer status" />
    </Card>
  );
}
