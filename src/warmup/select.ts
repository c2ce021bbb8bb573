import type { RecordedQuery } from '../queries/log';

/**
 * Routes whose answers the answer cache keeps (GitHub reads through `GitHubService.answer`):
 * GET, no side effect, so replaying one only refreshes what the GPT will read next.
 * Code search is left out (never served from the answer cache), as is everything else.
 */
export const WARMABLE_ROUTES: readonly string[] = [
  '/ai/github/repo',
  '/ai/github/commits',
  '/ai/github/runs',
  '/ai/github/runs/:id',
  '/ai/github/pulls',
  '/ai/github/activity',
];

const DAY_MS = 86_400_000;

/** One request worth replaying: the concrete path and parameters, and how often the GPT sent it. */
export interface WarmupTarget {
  path: string;
  params: Record<string, string>;
  route: string;
  calls: number;
  lastAt: string;
}

/** A recorded parameter that cannot be replayed as sent: clipped, or withheld because it looked secret. */
const unreplayable = (value: string) => value === '[withheld]' || value.endsWith('…');

function keyOf(query: RecordedQuery): string {
  const params = Object.entries(query.params).sort(([a], [b]) => a.localeCompare(b));
  return `${query.path}?${new URLSearchParams(params)}`;
}

/**
 * The GPT's most-called warmable requests of the last day, from its query log (newest first):
 * successful GETs only, grouped by path and parameters, most calls first (ties: most recent first).
 */
export function warmupTargets(queries: readonly RecordedQuery[], now: number, max: number): WarmupTarget[] {
  const byKey = new Map<string, WarmupTarget>();
  for (const query of queries) {
    if (query.method !== 'GET' || query.status !== 200 || !WARMABLE_ROUTES.includes(query.route)) continue;
    if (now - Date.parse(query.at) > DAY_MS) continue;
    if (Object.values(query.params).some(unreplayable)) continue;
    const key = keyOf(query);
    const seen = byKey.get(key);
    if (seen) seen.calls++;
    else byKey.set(key, { path: query.path, params: query.params, route: query.route, calls: 1, lastAt: query.at });
  }
  return [...byKey.values()]
    .sort((a, b) => b.calls - a.calls || Date.parse(b.lastAt) - Date.parse(a.lastAt))
    .slice(0, max);
}
