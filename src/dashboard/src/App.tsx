import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ACCESS_LOGOUT, ACCESS_SESSION, api, forgetKey, storeKey, storedKey, type Problem } from './api';
import { LiveFeed, type LiveMode } from './live';
import { POLL_MS, SessionContext, useResource, type Session } from './resource';
import { SignIn } from './SignIn';
import { AuditCard } from './cards/audit';
import { ConnectionsCard } from './cards/connections';
import { ContextCard } from './cards/context';
import { CursorCard } from './cards/cursor';
import { GitHubCard } from './cards/github';
import { IntentsCard } from './cards/intents';
import { QueriesCard } from './cards/queries';
import { TrendsCard } from './cards/trends';
import { SearchCard } from './cards/search';
import { HostingCard, IndexCard, LayersCard, layerName, readableReason, type StatusAnswer } from './cards/status';
import { buttonClass } from './ui';

/** The human key, or ACCESS_SESSION when Cloudflare Access signed this browser in; undefined while that is being asked. */
type SignedIn = string | null | undefined;

export function App() {
  const [key, setKey] = useState<SignedIn>(() => storedKey() ?? undefined);
  const [accessProblem, setAccessProblem] = useState<Problem | null>(null);
  useEffect(() => {
    if (key !== undefined) return;
    let current = true;
    // Behind Cloudflare Access the browser carries its CF_Authorization cookie: a call without a key says who it is.
    void api(ACCESS_SESSION, '/ai/queries?limit=1').then((result) => {
      if (!current) return;
      if (!result.ok && result.status >= 500) setAccessProblem(result.problem);
      setKey(result.ok ? ACCESS_SESSION : null);
    });
    return () => {
      current = false;
    };
  }, [key]);
  if (key === undefined) return <p className="p-6 text-sm text-slate-700">Checking sign-in…</p>;
  if (key === null) {
    return (
      <SignIn
        notice={accessProblem?.detail}
        onSignedIn={(k) => {
          storeKey(k);
          setKey(k);
        }}
      />
    );
  }
  return (
    <Dashboard
      key={key}
      apiKey={key}
      onSignOut={() => {
        forgetKey();
        if (key === ACCESS_SESSION) window.location.assign(ACCESS_LOGOUT);
        else setKey(null);
      }}
    />
  );
}

const MODE_TEXT: Record<LiveMode, { text: string; dot: string }> = {
  connecting: { text: 'Connecting…', dot: 'bg-slate-400' },
  live: { text: 'Live', dot: 'bg-emerald-600' },
  reconnecting: { text: 'Reconnecting…', dot: 'bg-amber-500' },
  polling: { text: `Updating every ${POLL_MS.polling / 1000} s`, dot: 'bg-sky-600' },
};

function Dashboard({ apiKey, onSignOut }: { apiKey: string; onSignOut(): void }) {
  // Made inside the effect, so React's double-run of effects in development never leaves two sockets open.
  const [feed, setFeed] = useState<LiveFeed | null>(null);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const [reachable, setReachable] = useState(true);
  // When the latest question that got no answer was asked: only an answer to a later question clears the banner
  // (a slow answer to an earlier one, arriving after the service went away, must not).
  const lastUnanswered = useRef(Number.NEGATIVE_INFINITY);
  const reportReachable = useCallback((ok: boolean, askedAt: number) => {
    if (!ok) {
      lastUnanswered.current = Math.max(lastUnanswered.current, askedAt);
      setReachable(false);
    } else if (askedAt >= lastUnanswered.current) setReachable(true);
  }, []);
  useEffect(() => {
    const next = new LiveFeed(apiKey, reportReachable);
    const off = next.onMode(setMode);
    setFeed(next);
    next.start();
    return () => {
      off();
      next.stop();
    };
  }, [apiKey, reportReachable]);
  const session: Session | null = useMemo(
    () => (feed ? { key: apiKey, who: 'human', feed, mode, reachable, reportReachable, signOut: onSignOut } : null),
    [apiKey, feed, mode, reachable, reportReachable, onSignOut],
  );
  if (!session) return null;
  return (
    <SessionContext.Provider value={session}>
      <Page reachable={reachable} mode={mode} viaAccess={apiKey === ACCESS_SESSION} onSignOut={onSignOut} />
    </SessionContext.Provider>
  );
}

function Banners({
  reachable,
  status,
}: {
  reachable: boolean;
  status: ReturnType<typeof useResource<StatusAnswer>>[0];
}) {
  const banners: { tone: 'bad' | 'warn'; text: string }[] = [];
  if (!reachable)
    banners.push({
      tone: 'bad',
      text: 'The service is not answering. The page keeps retrying and will catch up by itself.',
    });
  if (status.status === 'ok') {
    for (const layer of status.data.layers) {
      if (layer.state === 'down')
        banners.push({
          tone: 'bad',
          text: `${layerName(layer.layer)} is down${layer.reason ? `: ${readableReason(layer.reason)}` : ''}`,
        });
      else if (layer.state === 'degraded')
        banners.push({
          tone: 'warn',
          text: `${layerName(layer.layer)} is degraded${layer.reason ? `: ${readableReason(layer.reason)}` : ''}`,
        });
    }
  } else if (status.status === 'error' && status.httpStatus >= 500) {
    banners.push({ tone: 'bad', text: `Service status failed: ${status.problem.detail ?? status.httpStatus}` });
  }
  if (banners.length === 0) return null;
  return (
    <div className="space-y-2" data-banners>
      {banners.map((b) => (
        <p
          key={b.text}
          role="alert"
          className={`rounded-lg px-4 py-2 text-sm font-medium ${b.tone === 'bad' ? 'bg-red-700 text-white' : 'bg-amber-100 text-amber-950 ring-1 ring-amber-300'}`}
        >
          {b.text}
        </p>
      ))}
    </div>
  );
}

function Page({
  reachable,
  mode,
  viaAccess,
  onSignOut,
}: {
  reachable: boolean;
  mode: LiveMode;
  viaAccess: boolean;
  onSignOut(): void;
}) {
  const [status, reloadStatus] = useResource<StatusAnswer>('/ai/status', ['health', 'index']);
  const live = MODE_TEXT[mode];
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-screen-2xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <div className="flex items-baseline gap-3">
            <h1 className="text-lg font-semibold text-slate-900">Hezlep Ops</h1>
            {status.status === 'ok' && status.data.service && (
              <span className="text-sm text-slate-600">
                {status.data.service.project} · v{status.data.service.version}
              </span>
            )}
          </div>
          <div className="flex items-center gap-3">
            <span className="flex items-center gap-2 text-sm text-slate-700" data-live-mode={mode} aria-live="polite">
              <span className={`inline-block h-2.5 w-2.5 rounded-full ${live.dot}`} aria-hidden="true" />
              {live.text}
              {mode === 'polling' && <span className="hidden sm:inline">(no live stream on this server)</span>}
            </span>
            {viaAccess && (
              <span className="text-sm text-slate-600" data-signed-in="access">
                via Cloudflare Access
              </span>
            )}
            <button type="button" className={`${buttonClass.quiet} whitespace-nowrap`} onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-screen-2xl space-y-4 px-4 py-4">
        <Banners reachable={reachable} status={status} />
        <div className="grid grid-flow-row-dense grid-cols-1 items-start gap-4 lg:grid-cols-2 xl:grid-cols-3">
          <IntentsCard />
          <LayersCard status={status} />
          <TrendsCard />
          <SearchCard />
          <ContextCard />
          <QueriesCard />
          <GitHubCard />
          <CursorCard />
          <HostingCard status={status} onRefresh={reloadStatus} />
          <IndexCard />
          <AuditCard />
          <ConnectionsCard />
        </div>
      </main>
    </div>
  );
}
