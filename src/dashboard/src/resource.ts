import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api, type ApiResult, type Problem } from './api';
import type { LiveFeed, LiveMode } from './live';

export interface Session {
  key: string;
  who: string;
  feed: LiveFeed;
  mode: LiveMode;
  /** False while the service does not answer: cards then poll fast to notice its return. */
  reachable: boolean;
  /**
   * Cards report whether the service answered, for the "service down" banner, with when they asked
   * (`performance.now()`): an answer to an older question never clears a newer failure.
   */
  reportReachable(reachable: boolean, askedAt: number): void;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** `missing`: the endpoint does not exist on this server; `unconfigured`: it exists but its layer is not set up. */
export type ResourceState<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T; fetchedAt: number }
  | { status: 'missing' }
  | { status: 'unconfigured'; problem: Problem }
  | { status: 'error'; problem: Problem; httpStatus: number; data?: T };

/** How often cards poll: fast when there is no live stream, slow as a safety net when there is. */
export const POLL_MS = { polling: 4_000, live: 30_000, missing: 60_000 } as const;

/**
 * Load a JSON endpoint and keep it current: reload on events of the given topics,
 * on a resync, and on a timer (fast when the event stream is absent).
 */
export function useResource<T>(path: string | null, topics: readonly string[] = []): [ResourceState<T>, () => void] {
  const session = useSession();
  const [state, setState] = useState<ResourceState<T>>({ status: 'loading' });
  const generation = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  const load = useCallback(async () => {
    if (!path) return;
    const mine = ++generation.current;
    const askedAt = performance.now();
    const result: ApiResult<T> = await api<T>(session.key, path);
    if (mine !== generation.current) return;
    session.reportReachable(result.status !== 0, askedAt);
    // No answer at all: keep showing what we had; the page's banner says the service is down.
    if (result.status === 0 && stateRef.current.status === 'ok') return;
    if (result.ok) setState({ status: 'ok', data: result.body, fetchedAt: Date.now() });
    else if (
      result.status === 404 &&
      (result.problem.code === 'not_found' || result.problem.code === undefined) &&
      /No route/i.test(result.problem.detail ?? 'No route')
    )
      setState({ status: 'missing' });
    else if (result.status === 501) setState({ status: 'unconfigured', problem: result.problem });
    else {
      const previous = stateRef.current;
      setState({
        status: 'error',
        problem: result.problem,
        httpStatus: result.status,
        data: previous.status === 'ok' ? previous.data : undefined,
      });
    }
  }, [path, session.key, session.reportReachable]);

  useEffect(() => {
    setState({ status: 'loading' });
    void load();
  }, [load]);

  // Reload on events (debounced: a burst of events is one reload) and on resync.
  const topicKey = topics.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 200);
    };
    const offTopics = topicKey ? session.feed.onTopics(topicKey.split(','), soon) : () => undefined;
    const offResync = session.feed.onResync(soon);
    return () => {
      clearTimeout(timer);
      offTopics();
      offResync();
    };
  }, [load, session.feed, topicKey]);

  const pollMs =
    state.status === 'missing' && session.reachable
      ? POLL_MS.missing
      : session.mode === 'live' && session.reachable
        ? POLL_MS.live
        : POLL_MS.polling;
  useEffect(() => {
    const timer = setInterval(() => void load(), pollMs);
    return () => clearInterval(timer);
  }, [load, pollMs]);

  return [state, load];
}
