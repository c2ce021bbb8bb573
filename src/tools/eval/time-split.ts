import { execFileSync } from 'node:child_process';
import type { QuestionSets } from './commit-queries';

/**
 * The time split: one second before the committer date of the oldest commit any question of any set
 * (code, docs, tests) comes from, so no question's own commit (nor any later one) is in the history
 * field it is measured with. `byKind`: the oldest question commit of each non-empty set. Null without commits.
 */
export function historyCutoff(
  repoDir: string,
  sets: Partial<QuestionSets>,
): { until: string; oldest: string; commits: number; byKind: Record<string, string> } | null {
  const shas = [
    ...new Set(
      Object.values(sets).flatMap((queries) => (queries ?? []).flatMap((item) => (item.commit ? [item.commit] : []))),
    ),
  ];
  if (!shas.length) return null;
  // git show sorts what it shows by date: each line names its commit.
  const times = new Map<string, number>();
  for (const line of execFileSync('git', ['-C', repoDir, 'show', '-s', '--format=%H %ct', ...shas], {
    encoding: 'utf8',
  }).split('\n')) {
    const [sha, time] = line.split(' ');
    if (sha && time) times.set(sha, Number(time));
  }
  const timeOf = (short: string) => {
    for (const [sha, time] of times) if (sha.startsWith(short)) return time;
    throw new Error(`no committer date for ${short}`);
  };
  const byKind: Record<string, string> = {};
  for (const [kind, queries] of Object.entries(sets)) {
    const own = (queries ?? []).flatMap((item) => (item.commit ? [timeOf(item.commit)] : []));
    if (own.length) byKind[kind] = new Date(Math.min(...own) * 1000).toISOString();
  }
  const oldest = Math.min(...times.values());
  return {
    until: new Date((oldest - 1) * 1000).toISOString(),
    oldest: new Date(oldest * 1000).toISOString(),
    commits: shas.length,
    byKind,
  };
}
