import { useResource } from '../resource';
import { Time } from '../time';
import { Badge, Card, Empty, toneOfState, Unavailable } from '../ui';

/** GitHub's combined state in words; `none` means nothing reported checks for the commit. */
export function checkLabel(state: string | undefined): string {
  return !state || state === 'none' ? 'no checks' : state;
}

function checksTitle(checks: Commit['checks']): string {
  if (!checks || checks.total === 0) return 'No check runs or statuses reported for this commit';
  return `${checks.total} check${checks.total === 1 ? '' : 's'}: ${checks.state}${checks.failing.length ? `; failing: ${checks.failing.join(', ')}` : ''}`;
}

interface Repo {
  fullName: string;
  defaultBranch: string;
  url: string;
  openPullRequests?: number;
  pushedAt?: string | null;
}
interface Commit {
  sha: string;
  shortSha: string;
  title: string;
  author: string;
  date: string | null;
  url: string;
  checks?: { state: string; total: number; failing: string[] };
}

export function GitHubCard() {
  const [repo] = useResource<Repo>('/ai/github/repo', ['index']);
  const [commits] = useResource<{ branch: string | null; commits: Commit[] }>('/ai/github/commits?limit=8', ['index']);
  return (
    <Card title="GitHub" id="github">
      {commits.status !== 'ok' ? (
        <Unavailable state={commits} what="GitHub commits" endpoint="GET /ai/github/commits" />
      ) : (
        <div className="space-y-2">
          {repo.status === 'ok' && (
            <p className="text-slate-700">
              <a
                className="font-medium text-sky-800 underline-offset-2 hover:underline"
                href={repo.data.url}
                target="_blank"
                rel="noreferrer"
              >
                {repo.data.fullName}
              </a>{' '}
              · branch <span className="font-mono">{commits.data.branch ?? repo.data.defaultBranch}</span>
              {repo.data.openPullRequests !== undefined && ` · ${repo.data.openPullRequests} open PRs`}
            </p>
          )}
          {commits.data.commits.length === 0 ? (
            <Empty>No commits.</Empty>
          ) : (
            <ol className="divide-y divide-slate-100">
              {commits.data.commits.map((c) => (
                <li key={c.sha} className="flex items-start gap-2 py-1.5">
                  <Badge tone={toneOfState(c.checks?.state)} title={checksTitle(c.checks)}>
                    {checkLabel(c.checks?.state)}
                  </Badge>
                  <div className="min-w-0">
                    <a
                      href={c.url}
                      target="_blank"
                      rel="noreferrer"
                      className="block truncate text-slate-900 hover:underline"
                      title={c.title}
                    >
                      {c.title}
                    </a>
                    <p className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-xs text-slate-600">
                      <span>
                        <span className="font-mono">{c.shortSha}</span> · {c.author} · <Time iso={c.date} />
                      </span>
                      {c.checks?.failing.length ? (
                        <Badge tone="bad">failing: {c.checks.failing.join(', ')}</Badge>
                      ) : null}
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Card>
  );
}
