import { useState } from 'react';
import { api } from '../api';
import { useResource, useSession } from '../resource';
import { Time } from '../time';
import { Badge, Card, Empty, Unavailable, buttonClass } from '../ui';
import type { DecisionView as Decision, IntentChanges, IntentView as Intent } from '../server-types';
import { WhatShips } from './what-ships';

/** Deploys and rollbacks bind a commit: those show what they would ship. */
function shipsCommits(intent: Intent): boolean {
  return (
    intent.kind === 'deploy' ||
    intent.kind === 'rollback' ||
    intent.proposedCommit !== null ||
    typeof intent.parameters.commit === 'string'
  );
}

function who(actor: { client: string; person?: string }): string {
  return actor.person ? `${actor.client}:${actor.person}` : actor.client;
}

function DecisionList({ title, decisions }: { title: string; decisions: Decision[] }) {
  if (decisions.length === 0) return null;
  return (
    <div>
      <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-600">{title}</h4>
      <ul className="mt-1 space-y-1">
        {decisions.map((d, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the decision history is append-only, so an index names one entry.
          <li key={`${d.at}-${i}`} className="flex items-start gap-2 text-xs">
            <Badge tone={d.allowed ? 'good' : 'bad'}>{d.allowed ? 'allowed' : 'denied'}</Badge>
            <span className="min-w-0 break-words text-slate-800">
              <span className="font-mono">{d.rule}</span>: {d.reason}{' '}
              <span className="text-slate-600">
                ({d.action} by {who(d.actor)}, <Time iso={d.at} />)
              </span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function IntentItem({ intent, onDecided }: { intent: Intent; onDecided(notice: string): void }) {
  const session = useSession();
  const [detail, reloadDetail] = useResource<{ decisions: Decision[] }>(`/ai/intents/${intent.id}`, ['intents']);
  const [changes] = useResource<IntentChanges>(shipsCommits(intent) ? `/ai/intents/${intent.id}/changes` : null, [
    'intents',
  ]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [rejectReason, setRejectReason] = useState('');

  const decide = async (verb: 'approve' | 'reject') => {
    setBusy(true);
    setMessage(null);
    // Approve what was shown: the server refuses if the target moved on since the comparison was read.
    const reviewed = changes.status === 'ok' ? { commit: changes.data.shipping.commit } : {};
    const body = verb === 'reject' ? (rejectReason.trim() ? { reason: rejectReason.trim() } : {}) : reviewed;
    const result = await api<{ intent: Intent }>(session.key, `/ai/intents/${intent.id}/${verb}`, {
      method: 'POST',
      body,
    });
    setBusy(false);
    // The decided intent leaves the pending list, so the card (not this item) tells what happened.
    if (result.ok) onDecided(`${verb === 'approve' ? 'Approved' : 'Rejected'}: ${result.body.intent.summary}`);
    else {
      setMessage(`${result.problem.title ?? 'Refused'}: ${result.problem.detail ?? result.status}`);
      // A refusal is a policy decision too: show it in the history.
      reloadDetail();
    }
  };

  const decisions = detail.status === 'ok' ? detail.data.decisions : [];
  const preflight = decisions.filter((d) => d.rule.startsWith('preflight'));
  const policy = decisions.filter((d) => !d.rule.startsWith('preflight'));
  return (
    <li className="space-y-2 py-3" data-intent={intent.id}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone="warn">{intent.state}</Badge>
        <span className="font-medium text-slate-900">{intent.kind}</span>
        <span className="font-mono text-slate-800">→ {intent.target}</span>
        {intent.proposedCommit && (
          <span className="font-mono text-xs text-slate-600">@ {intent.proposedCommit.slice(0, 7)}</span>
        )}
      </div>
      <p className="text-slate-800">{intent.summary}</p>
      {intent.reason && <p className="text-slate-700">Why: {intent.reason}</p>}
      <p className="text-xs text-slate-600">
        proposed by {who(intent.proposedBy)} <Time iso={intent.createdAt} /> · expires <Time iso={intent.expiresAt} />
        {Object.keys(intent.parameters).length > 0 && (
          <>
            {' '}
            · <span className="break-all font-mono">{JSON.stringify(intent.parameters)}</span>
          </>
        )}
      </p>
      {shipsCommits(intent) && <WhatShips id={intent.id} state={changes} />}
      <DecisionList title="Policy" decisions={policy} />
      <DecisionList title="Preflight" decisions={preflight} />
      <div className="flex flex-wrap items-center gap-2 pt-1">
        <button type="button" className={buttonClass.approve} disabled={busy} onClick={() => void decide('approve')}>
          Approve
        </button>
        <label className="sr-only" htmlFor={`reason-${intent.id}`}>
          Reason for rejecting
        </label>
        <input
          id={`reason-${intent.id}`}
          value={rejectReason}
          onChange={(e) => setRejectReason(e.target.value)}
          placeholder="reason (optional)"
          maxLength={500}
          className="w-44 rounded-md border border-slate-300 px-2 py-1 text-sm placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-sky-600"
        />
        <button type="button" className={buttonClass.reject} disabled={busy} onClick={() => void decide('reject')}>
          Reject
        </button>
      </div>
      {message && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {message}
        </p>
      )}
    </li>
  );
}

export function IntentsCard() {
  const [state, reload] = useResource<{ intents: Intent[]; truncated: boolean }>(
    '/ai/intents?state=proposed&limit=20',
    ['intents'],
  );
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Card title="Pending intents" id="intents" span="wide">
      {notice && (
        <p
          role="status"
          data-intent-notice
          className="mb-2 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          {notice}
        </p>
      )}
      {state.status !== 'ok' ? (
        <Unavailable state={state} what="intents" endpoint="GET /ai/intents" />
      ) : state.data.intents.length === 0 ? (
        <Empty>Nothing waits for approval.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {state.data.intents.map((intent) => (
            <IntentItem
              key={intent.id}
              intent={intent}
              onDecided={(text) => {
                setNotice(text);
                reload();
              }}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}
