import { useState } from 'react';
import { useResource } from '../resource';
import { Time } from '../time';
import { Badge, Card, Empty, Unavailable, type Tone } from '../ui';
import type { AuditEntry } from '../server-types';

const CLIENT_TONE: Record<string, Tone> = { gpt: 'info', cursor: 'warn', human: 'good', cron: 'muted' };
const ALL_TOPICS = ['audit', 'context', 'intents', 'cursor', 'health', 'index'];

export function AuditCard() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const query = new URLSearchParams({ limit: '30' });
  if (actor) query.set('actor', actor);
  const trimmed = action.trim();
  if (trimmed) query.set('action', /[*]$/.test(trimmed) || trimmed.includes('.') ? trimmed : `${trimmed}*`);
  const [state] = useResource<{ entries: AuditEntry[]; truncated: boolean }>(`/ai/audit?${query}`, ALL_TOPICS);
  const filters = (
    // biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark; <search> is too new for older screen readers.
    <form
      className="flex flex-wrap items-center gap-2"
      role="search"
      aria-label="Filter the audit timeline"
      onSubmit={(e) => e.preventDefault()}
    >
      <label className="sr-only" htmlFor="audit-actor">
        Client
      </label>
      <select
        id="audit-actor"
        value={actor}
        onChange={(e) => setActor(e.target.value)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600"
      >
        <option value="">every client</option>
        <option value="gpt">gpt</option>
        <option value="cursor">cursor</option>
        <option value="human">human</option>
        <option value="cron">cron</option>
      </select>
      <label className="sr-only" htmlFor="audit-action">
        Action
      </label>
      <input
        id="audit-action"
        value={action}
        onChange={(e) => setAction(e.target.value)}
        placeholder="action, e.g. intent.*"
        className="w-40 rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-900 placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-sky-600"
      />
    </form>
  );
  return (
    <Card title="Audit timeline" id="audit" span="full" actions={filters}>
      {state.status !== 'ok' ? (
        <Unavailable state={state} what="the audit timeline" endpoint="GET /ai/audit" />
      ) : state.data.entries.length === 0 ? (
        <Empty>No entries{actor || trimmed ? ' match these filters' : ' yet'}.</Empty>
      ) : (
        <ol className="divide-y divide-slate-100" aria-label="Audit entries, newest first">
          {state.data.entries.map((e) => (
            <li
              key={e.seq}
              className="flex flex-col gap-1 py-2 sm:flex-row sm:items-start sm:gap-3"
              data-audit-action={e.action}
            >
              <div className="flex shrink-0 items-center gap-2 sm:w-44">
                <Badge tone={CLIENT_TONE[e.actor.client] ?? 'muted'}>
                  {e.actor.person ? `${e.actor.client}:${e.actor.person}` : e.actor.client}
                </Badge>
                <Time iso={e.at} className="text-xs text-slate-600" />
              </div>
              <div className="min-w-0">
                <p className="break-words text-slate-900">{e.summary}</p>
                <p className="text-xs text-slate-600">
                  <span className="font-mono">{e.action}</span> ·{' '}
                  <span className="font-mono break-all">{e.target}</span> · #{e.seq}
                </p>
              </div>
            </li>
          ))}
        </ol>
      )}
      {state.status === 'ok' && state.data.truncated && (
        <p className="mt-2 text-xs text-slate-600">Showing the newest 30.</p>
      )}
    </Card>
  );
}
