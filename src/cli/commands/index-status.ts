import type { Command, CommandContext } from '../command';

/** What GET /ai/github/index answers, the part printed here (src/routes/github/get-index-status.ts). */
interface RepoIndex {
  repo: string;
  branch: string;
  indexedCommit: string | null;
  freshness: { stale: boolean | null; headCommit: string | null };
  files: number;
  chunks: number;
  running: {
    phase: string;
    filesDone: number;
    filesPlanned: number;
    etaSeconds?: number | null;
    lastError: string | null;
  } | null;
  lastRun: { outcome: string; finishedAt: string; durationMs: number } | null;
}

const WATCH_INTERVAL_MS = 1000;
const BAR_WIDTH = 20;

/** One line per repository: freshness, then the run's progress bar and ETA while one goes. */
export function indexLine(repo: RepoIndex): string {
  const where = `${repo.repo}@${repo.branch}`;
  if (repo.running) {
    const { filesDone, filesPlanned, etaSeconds, phase, lastError } = repo.running;
    const filled = filesPlanned > 0 ? Math.round((filesDone / filesPlanned) * BAR_WIDTH) : 0;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const eta = etaSeconds == null ? '' : `, about ${etaSeconds} s left`;
    return `${where}  ${phase === 'plan' ? 'planning' : 'indexing'} ${bar} ${filesDone}/${filesPlanned} files${eta}${lastError ? ` (retrying: ${lastError})` : ''}`;
  }
  const state =
    repo.indexedCommit === null
      ? 'never indexed'
      : repo.freshness.stale === true
        ? 'stale'
        : repo.freshness.stale === false
          ? 'fresh'
          : 'head unknown';
  const at = repo.indexedCommit ? ` at ${repo.indexedCommit.slice(0, 7)}` : '';
  const last = repo.lastRun
    ? `; last run ${repo.lastRun.outcome} in ${(repo.lastRun.durationMs / 1000).toFixed(1)} s`
    : '';
  return `${where}  ${state}${at}, ${repo.files} files, ${repo.chunks} chunks${last}`;
}

export const indexStatusCommand: Command = {
  path: ['index', 'status'],
  summary: "Show the code index of each repository, and a run's progress",
  usage: 'hezlep index status [--watch] [--json]',
  details:
    'Calls /ai/github/index. With --watch, prints progress every second while a run goes, until it ends (Ctrl-C stops watching).',
  options: { watch: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, io, api }: CommandContext): Promise<number> {
    const client = await api();
    let previous = '';
    for (;;) {
      const { repos } = await client.request<{ repos: RepoIndex[] }>('GET', '/ai/github/index');
      const text = values.json ? JSON.stringify({ repos }) : repos.map(indexLine).join('\n');
      // Watching prints only what changed, so a terminal shows each step of the run once.
      if (text !== previous) io.out(text || 'No repository is indexed on this server.');
      previous = text;
      if (!values.watch || !repos.some((r) => r.running) || io.signal.aborted) return 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, WATCH_INTERVAL_MS);
        io.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (io.signal.aborted) return 0;
    }
  },
};
