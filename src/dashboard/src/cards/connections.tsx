import { useState } from 'react';
import { api } from '../api';
import { useResource, useSession } from '../resource';
import { Time } from '../time';
import { Badge, Card, Empty, Unavailable, buttonClass } from '../ui';
import type { ConnectionView } from '../server-types';

function ConnectionItem({ connection, onRevoked }: { connection: ConnectionView; onRevoked(notice: string): void }) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const revoke = async () => {
    setBusy(true);
    setMessage(null);
    const result = await api(session.key, `/ai/connections/${encodeURIComponent(connection.id)}`, { method: 'DELETE' });
    setBusy(false);
    if (result.ok) onRevoked(`Revoked ${connection.person}'s ${connection.clientName} connection.`);
    else setMessage(`${result.problem.title ?? 'Refused'}: ${result.problem.detail ?? result.status}`);
  };
  const metadataUrl = connection.clientId.startsWith('https://') ? connection.clientId : null;
  return (
    <li className="flex flex-col gap-1 py-2" data-connection={connection.id}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={connection.role === 'human' ? 'warn' : 'muted'} title="The client this connection acts as">
          {connection.role}
        </Badge>
        <span className="font-medium text-slate-900">{connection.clientName}</span>
        <span className="text-slate-700">for {connection.person}</span>
      </div>
      <div className="flex flex-wrap gap-x-3 text-xs text-slate-600">
        <span>{connection.scopes.join(', ') || 'no scopes'}</span>
        <span>
          connected <Time iso={connection.createdAt} />
        </span>
        {connection.expiresAt && (
          <span>
            lapses <Time iso={connection.expiresAt} />
          </span>
        )}
        {metadataUrl && <span className="break-all font-mono">{metadataUrl}</span>}
      </div>
      <div className="flex items-center gap-2">
        <button type="button" className={buttonClass.reject} disabled={busy} onClick={() => void revoke()}>
          Revoke
        </button>
        {message && (
          <span role="alert" className="text-sm text-red-800">
            {message}
          </span>
        )}
      </div>
    </li>
  );
}

/** The apps people connected through OAuth (ChatGPT, Claude, Cursor…), each revocable at once. */
export function ConnectionsCard() {
  const [state, reload] = useResource<{ connections: ConnectionView[] }>('/ai/connections', ['audit']);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Card title="Connected apps" id="connections">
      {notice && (
        <p role="status" className="mb-2 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
          {notice}
        </p>
      )}
      {state.status !== 'ok' ? (
        <Unavailable state={state} what="the OAuth connections" endpoint="GET /ai/connections" />
      ) : state.data.connections.length === 0 ? (
        <Empty>No app is connected through OAuth. ChatGPT and Claude connect at /mcp (docs/mcp.md).</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {state.data.connections.map((connection) => (
            <ConnectionItem
              key={connection.id}
              connection={connection}
              onRevoked={(text) => {
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
