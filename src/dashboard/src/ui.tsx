import type { ReactNode } from 'react';
import type { ResourceState } from './resource';

export function Card({
  title,
  id,
  span,
  actions,
  children,
}: {
  title: string;
  id: string;
  span?: 'wide' | 'full';
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      data-card={id}
      className={`flex min-w-0 flex-col rounded-xl border border-slate-200 bg-white shadow-sm ${span === 'wide' ? 'lg:col-span-2' : span === 'full' ? 'lg:col-span-2 xl:col-span-3' : ''}`}
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </header>
      {/* Beside other cards a long card scrolls inside itself instead of stretching its row (lg and up). */}
      <div className="min-w-0 flex-1 px-4 py-3 text-sm lg:max-h-[36rem] lg:overflow-y-auto">{children}</div>
    </section>
  );
}

const TONES = {
  good: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30',
  warn: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  bad: 'bg-red-50 text-red-800 ring-red-600/30',
  info: 'bg-sky-50 text-sky-900 ring-sky-600/30',
  muted: 'bg-slate-100 text-slate-700 ring-slate-500/20',
} as const;
export type Tone = keyof typeof TONES;

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex shrink-0 items-center rounded-md px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

export function toneOfState(state: string | undefined | null): Tone {
  switch (state) {
    case 'ok':
    case 'success':
    case 'healthy':
    case 'succeeded':
    case 'fresh':
      return 'good';
    case 'degraded':
    case 'pending':
    case 'stale':
    case 'proposed':
      return 'warn';
    case 'down':
    case 'failure':
    case 'failed':
    case 'error':
      return 'bad';
    default:
      return 'muted';
  }
}

export function StateBadge({ state }: { state: string | undefined | null }) {
  return <Badge tone={toneOfState(state)}>{state ?? 'unknown'}</Badge>;
}

/** What a card shows while its data is not there: loading, endpoint absent, not configured, or failing. */
export function Unavailable<T>({
  state,
  what,
  endpoint,
}: {
  state: ResourceState<T>;
  what: string;
  endpoint?: string;
}) {
  switch (state.status) {
    case 'loading':
      return <p className="text-slate-600">Loading {what}…</p>;
    case 'missing':
      return (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-slate-700" data-unavailable="missing">
          Not available on this server: it does not offer {what} yet.
          {endpoint && <span className="mt-0.5 block font-mono text-xs text-slate-600">{endpoint} answers 404</span>}
        </p>
      );
    case 'unconfigured':
      return (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-slate-700" data-unavailable="unconfigured">
          Not configured: {state.problem.detail ?? `${what} has no credentials on this server.`}
        </p>
      );
    case 'error':
      return (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800" data-unavailable="error">
          Could not load {what} ({state.httpStatus || 'no answer'}):{' '}
          {state.problem.detail ?? state.problem.title ?? 'unknown error'}
        </p>
      );
    default:
      return null;
  }
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="text-slate-600">{children}</p>;
}

export const buttonClass = {
  primary:
    'inline-flex items-center justify-center rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-50',
  approve:
    'inline-flex items-center justify-center rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-50',
  reject:
    'inline-flex items-center justify-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-red-800 ring-1 ring-inset ring-red-300 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-50',
  quiet:
    'inline-flex items-center justify-center rounded-md bg-white px-2.5 py-1 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600',
} as const;
