import { useResource } from '../resource';
import { Time } from '../time';
import { Badge, Card, Empty, Unavailable } from '../ui';
import type { RecordedQuery } from '../server-types';

export function QueriesCard() {
  const [state] = useResource<{ queries: RecordedQuery[] }>('/ai/queries?limit=15', ['queries']);
  return (
    <Card title="GPT's recent queries" id="queries">
      {state.status !== 'ok' ? (
        <Unavailable state={state} what="the GPT's query log" endpoint="GET /ai/queries" />
      ) : state.data.queries.length === 0 ? (
        <Empty>The GPT has not asked anything recently.</Empty>
      ) : (
        <ol className="divide-y divide-slate-100">
          {state.data.queries.map((q) => {
            const params = Object.entries(q.params)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ');
            return (
              <li key={q.requestId + q.at} className="flex flex-col gap-0.5 py-1.5">
                <div className="flex min-w-0 items-center gap-2">
                  <Badge tone={q.status < 400 ? 'good' : q.status < 500 ? 'warn' : 'bad'} title={`HTTP ${q.status}`}>
                    {q.status}
                  </Badge>
                  <span className="truncate font-mono text-slate-900" title={q.path}>
                    {q.method} {q.path}
                  </span>
                </div>
                <div className="flex flex-wrap gap-x-3 text-xs text-slate-600">
                  {params && <span className="font-mono break-all">{params}</span>}
                  <span>
                    {q.resultCount === null ? 'no list' : `${q.resultCount} result${q.resultCount === 1 ? '' : 's'}`}
                  </span>
                  <span>{q.latencyMs} ms</span>
                  <Time iso={q.at} />
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
