import type { IntentChanges } from '../server-types';
import type { ResourceState } from '../resource';
import { Badge, toneOfState, Unavailable } from '../ui';
import { checkLabel } from './github';

const FILE_STATUS: Record<string, string> = {
  added: 'A',
  removed: 'D',
  modified: 'M',
  renamed: 'R',
  copied: 'C',
  changed: 'M',
  unchanged: '=',
};

function runningText(changes: IntentChanges): string {
  const running = changes.running;
  const commit = running.commit.slice(0, 7);
  return running.source === 'last-succeeded-intent'
    ? `runs ${commit} (last succeeded deploy)`
    : `runs ${commit} (head of ${running.ref}, no deploy on record)`;
}

/** The comparison a deploy or rollback would make: commits with authors and checks, files with +/-. */
export function WhatShips({ id, state }: { id: string; state: ResourceState<IntentChanges> }) {
  if (state.status !== 'ok')
    return <Unavailable state={state} what="what this intent would ship" endpoint={`GET /ai/intents/${id}/changes`} />;
  const changes = state.data;
  const { comparison } = changes;
  const listTitle = changes.direction === 'removes' ? 'Commits taken back' : 'Commits';
  return (
    <details
      open
      className="rounded-md border border-slate-200 bg-slate-50/60 px-3 py-2"
      data-what-ships={changes.direction}
    >
      <summary className="cursor-pointer text-sm font-medium text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600">
        What ships: {changes.summary.replace(/^[^:]*:\s*/, '')}
      </summary>
      <p className="mt-1 text-xs text-slate-600">
        {changes.intent.target} {runningText(changes)} → would run{' '}
        <span className="font-mono">{changes.shipping.commit.slice(0, 7)}</span>
        {comparison.url && (
          <>
            {' · '}
            <a
              className="text-sky-800 underline-offset-2 hover:underline"
              href={comparison.url}
              target="_blank"
              rel="noreferrer"
            >
              compare on GitHub
            </a>
          </>
        )}
      </p>
      {comparison.commits.length > 0 && (
        <div className="mt-2">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-600">{listTitle}</h4>
          <ol className="mt-1 space-y-1" data-ships="commits">
            {comparison.commits.map((commit) => (
              <li key={commit.sha} className="flex items-start gap-2 text-xs">
                <Badge
                  tone={toneOfState(commit.checks?.state)}
                  title={commit.checks?.failing.length ? `failing: ${commit.checks.failing.join(', ')}` : undefined}
                >
                  {commit.checks ? checkLabel(commit.checks.state) : 'not checked'}
                </Badge>
                <span className="min-w-0 break-words text-slate-800">
                  <a
                    className="font-mono text-sky-800 hover:underline"
                    href={commit.url}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {commit.shortSha}
                  </a>{' '}
                  {commit.title} <span className="text-slate-600">· {commit.author}</span>
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
      {comparison.files.length > 0 && (
        <div className="mt-2">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Files</h4>
          <ul className="mt-1 space-y-0.5" data-ships="files">
            {comparison.files.map((file) => (
              <li key={file.path} className="flex items-baseline gap-2 text-xs">
                <span className="w-3 shrink-0 font-mono text-slate-600" title={file.status}>
                  {FILE_STATUS[file.status] ?? '?'}
                </span>
                <span className="min-w-0 flex-1 break-all font-mono text-slate-800">
                  {file.previousPath ? `${file.previousPath} → ${file.path}` : file.path}
                </span>
                <span className="shrink-0 font-mono text-emerald-800">+{file.additions}</span>
                <span className="shrink-0 font-mono text-red-800">−{file.deletions}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {changes.truncated && (
        <p className="mt-1 text-xs text-slate-600">The list is cut; the full comparison is on GitHub.</p>
      )}
    </details>
  );
}
