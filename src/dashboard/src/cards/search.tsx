import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api';
import type { CodeRecallAnswer, CodeSearchAnswer, Freshness, ShownHit } from '../server-types';
import { useResource, useSession } from '../resource';
import { Badge, Card, Empty, buttonClass } from '../ui';

const ALL = '*';

export interface FileGroup {
  repo: string;
  path: string;
  hits: ShownHit[];
  freshness: Freshness | null;
}

/** Hits grouped by file, in the order of each file's best hit. */
export function groupByFile(results: ShownHit[], freshness: Map<string, Freshness>): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const hit of results) {
    const key = `${hit.repo}\u0000${hit.path}`;
    const group = groups.get(key) ?? {
      repo: hit.repo,
      path: hit.path,
      hits: [],
      freshness: freshness.get(hit.repo) ?? null,
    };
    group.hits.push(hit);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Words of the query (identifiers split on case and punctuation) to mark in a snippet. */
export function termsOf(query: string): string[] {
  return [
    ...new Set(
      query
        .split(/[^A-Za-z0-9_]+/)
        .filter((t) => t.length >= 2)
        .map((t) => t.toLowerCase()),
    ),
  ];
}

function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  if (terms.length === 0) return <>{text}</>;
  const pattern = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  const parts: ReactNode[] = text.split(pattern).map((part, i) =>
    i % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one split string never reorder
      <mark key={i} className="rounded-sm bg-amber-200 text-slate-950">
        {part}
      </mark>
    ) : (
      part
    ),
  );
  return <>{parts}</>;
}

/** The file on GitHub at the commit the index holds, at the hit's lines. */
function fileUrl(group: FileGroup, hit: ShownHit): string | null {
  const commit = group.freshness?.indexedCommit;
  if (!commit) return null;
  return `https://github.com/${group.repo}/blob/${commit}/${group.path.split('/').map(encodeURIComponent).join('/')}#L${hit.startLine}-L${hit.endLine}`;
}

export function SearchCard() {
  const session = useSession();
  const [index] = useResource<{ repos: { repo: string }[] }>('/ai/github/index', ['index']);
  const [query, setQuery] = useState('');
  const [repo, setRepo] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ query: string; groups: FileGroup[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const repos = index.status === 'ok' ? index.data.repos.map((r) => r.repo) : [];
  const chosen = repo || repos[0] || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    if (!q) return;
    setBusy(true);
    setProblem(null);
    const params = new URLSearchParams({ q, k: '12' });
    if (chosen !== ALL && chosen) params.set('repo', chosen);
    const path = chosen === ALL ? `/ai/github/recall?${params}` : `/ai/search?${params}`;
    const result = await api<CodeSearchAnswer & CodeRecallAnswer>(session.key, path);
    setBusy(false);
    if (!result.ok) {
      setAnswer(null);
      setProblem(`${result.problem.title ?? 'Search failed'}: ${result.problem.detail ?? result.status}`);
      return;
    }
    const freshness = new Map<string, Freshness>(
      chosen === ALL
        ? result.body.repos.map((r) => [r.repo, r.freshness])
        : [[result.body.repo, result.body.freshness]],
    );
    setAnswer({ query: q, groups: groupByFile(result.body.results, freshness) });
  };

  const terms = answer ? termsOf(answer.query) : [];
  return (
    <Card title="Code search" id="search" span="wide">
      <form role="search" className="flex flex-wrap items-end gap-2" onSubmit={(e) => void submit(e)}>
        {/* The input wants 16rem before the selector may share its row: on a phone each takes a row of its own. */}
        <label className="flex min-w-0 flex-[999_1_16rem] flex-col gap-1 text-xs text-slate-700">
          Search code
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            maxLength={500}
            placeholder="e.g. where the login redirect is decided"
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-sky-600"
          />
        </label>
        <label className="flex min-w-0 flex-[1_1_10rem] flex-col gap-1 text-xs text-slate-700 sm:max-w-[16rem]">
          Repository
          <select
            value={chosen}
            onChange={(e) => setRepo(e.target.value)}
            className="w-full min-w-0 truncate rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-600"
          >
            {repos.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
            <option value={ALL}>All repositories</option>
          </select>
        </label>
        <button type="submit" className={buttonClass.primary} disabled={busy || !query.trim()}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      <div className="mt-3 space-y-3" aria-live="polite" data-search-results>
        {problem && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
            {problem}
          </p>
        )}
        {answer && answer.groups.length === 0 && <Empty>Nothing in the index matches “{answer.query}”.</Empty>}
        {answer?.groups.map((group) => (
          <article
            key={`${group.repo}/${group.path}`}
            className="rounded-md border border-slate-200"
            data-search-file={group.path}
            data-stale={group.freshness?.stale ? 'true' : 'false'}
          >
            <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 bg-slate-50 px-3 py-1.5">
              <span className="min-w-0 break-all font-mono text-xs font-medium text-slate-900">{group.path}</span>
              <span className="text-xs text-slate-600">{group.repo}</span>
              {group.freshness?.stale && (
                <Badge
                  tone="warn"
                  title={`Indexed at ${group.freshness.indexedCommit?.slice(0, 7)}; the branch is at ${group.freshness.headCommit?.slice(0, 7)}`}
                >
                  stale: indexed at {group.freshness.indexedCommit?.slice(0, 7)}
                </Badge>
              )}
            </header>
            <ul className="divide-y divide-slate-100">
              {group.hits.map((hit) => {
                const url = fileUrl(group, hit);
                return (
                  <li key={`${hit.startLine}-${hit.endLine}`} className="space-y-1 px-3 py-2" data-search-hit>
                    <p className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-700">
                      {hit.symbol && <span className="font-mono font-medium text-slate-900">{hit.symbol}</span>}
                      <span>{hit.kind}</span>
                      <span>
                        lines {hit.startLine}–{hit.endLine}
                      </span>
                      {url && (
                        <a
                          className="text-sky-800 underline-offset-2 hover:underline"
                          href={url}
                          target="_blank"
                          rel="noreferrer"
                        >
                          open at {group.freshness?.indexedCommit?.slice(0, 7)}
                        </a>
                      )}
                    </p>
                    <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs text-slate-800">
                      <Highlighted text={hit.snippet.text} terms={terms} />
                      {hit.snippet.truncated && '\n…'}
                    </pre>
                  </li>
                );
              })}
            </ul>
          </article>
        ))}
      </div>
    </Card>
  );
}
