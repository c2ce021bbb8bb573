import { useResource } from '../resource';
import { Time } from '../time';
import { Card, Empty, Unavailable } from '../ui';

interface ContextAnswer {
  live: boolean;
  message?: string;
  context?: Record<string, unknown>;
  updatedBy?: { client: string; person?: string };
  updatedAt?: string;
  expiresAt?: string;
  version?: number;
}

const FIELD_LABELS: [string, string][] = [
  ['branch', 'Branch'],
  ['commit', 'Commit'],
  ['activeUser', 'Active user'],
  ['currentTask', 'Current task'],
  ['notes', 'Notes'],
];

export function ContextCard() {
  const [state] = useResource<ContextAnswer>('/ai/context', ['context']);
  return (
    <Card title="Shared context" id="context">
      {state.status !== 'ok' ? (
        <Unavailable state={state} what="the shared context" endpoint="GET /ai/context" />
      ) : !state.data.live ? (
        <Empty>No live context: nobody has shared one in the last 15 minutes.</Empty>
      ) : (
        <div className="space-y-3">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
            {FIELD_LABELS.filter(([name]) => state.data.context?.[name] !== undefined).map(([name, label]) => (
              <div key={name} className="contents">
                <dt className="text-slate-600">{label}</dt>
                <dd
                  data-field={name}
                  className={`min-w-0 break-words text-slate-900 ${name === 'commit' || name === 'branch' ? 'font-mono' : ''}`}
                >
                  {String(state.data.context?.[name])}
                </dd>
              </div>
            ))}
          </dl>
          {state.data.context?.extra !== undefined && (
            <pre className="max-h-32 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800">
              {JSON.stringify(state.data.context.extra, null, 2)}
            </pre>
          )}
          <p className="text-xs text-slate-600">
            v{state.data.version} by {state.data.updatedBy?.client}
            {state.data.updatedBy?.person ? `:${state.data.updatedBy.person}` : ''}, <Time iso={state.data.updatedAt} />
            ; lapses <Time iso={state.data.expiresAt} />
          </p>
        </div>
      )}
    </Card>
  );
}
