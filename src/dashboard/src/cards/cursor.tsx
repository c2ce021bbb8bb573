import { useResource } from '../resource';
import { Time } from '../time';
import { Card, Empty, Unavailable } from '../ui';

interface CursorSession {
  user: string;
  workspace: string;
  branch: string;
  head?: string;
  file?: string;
  diffStat?: { added: number; removed: number; bytes: number };
  receivedAt: string;
}

export function CursorCard() {
  const [state] = useResource<{ sessions: CursorSession[] }>('/ai/cursor/session', ['cursor']);
  return (
    <Card title="Cursor sessions" id="cursor">
      {state.status !== 'ok' ? (
        <Unavailable state={state} what="Cursor sessions" endpoint="GET /ai/cursor/session" />
      ) : state.data.sessions.length === 0 ? (
        <Empty>Nobody is editing right now.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {state.data.sessions.map((s) => (
            <li key={`${s.user}/${s.workspace}`} className="py-1.5">
              <p className="font-medium text-slate-900">
                {s.user} <span className="font-normal text-slate-600">in {s.workspace}</span>
              </p>
              <p className="text-xs text-slate-700">
                <span className="font-mono">{s.branch}</span>
                {s.file && (
                  <>
                    {' '}
                    · <span className="font-mono break-all">{s.file}</span>
                  </>
                )}
              </p>
              <p className="text-xs text-slate-600">
                {s.diffStat ? (
                  <>
                    <span className="text-emerald-800">+{s.diffStat.added}</span>{' '}
                    <span className="text-red-800">−{s.diffStat.removed}</span> ·{' '}
                  </>
                ) : null}
                synced <Time iso={s.receivedAt} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
