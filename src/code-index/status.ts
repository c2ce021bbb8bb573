import type { LayerProbe } from '../status/probe';
import type { ReviewContext, SectionContent } from '../review/section';
import type { ModuleSummary } from './store/repo-index-store';
import type { FreshnessReport, IndexBackends, IndexService } from './service';

/** What the index's status and review parts use. */
export interface IndexAccess {
  indexing(): IndexService;
}
import { repoKey, type RepoRef } from './source/repo-source';

/** Bounds of the review's module summary. */
export const REVIEW_MODULES = 12;
export const REVIEW_SYMBOLS = 5;
/** Repositories described in the review (the rest are counted). */
const REVIEW_REPOS = 3;

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : 'none');

/** "40 min", "3 h", "2 d": how long ago an ISO time was. */
export function ageOf(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/** What is wrong with one repository's index, or null when it is current and its last run succeeded. */
export function freshnessProblem(key: string, f: FreshnessReport, now = Date.now()): string | null {
  const going = f.running ? ', re-indexing now' : '';
  if (f.lastRun?.outcome === 'failed')
    return `${key}: last run failed (${(f.lastRun.error ?? 'unknown error').slice(0, 80)})${going}`;
  if (f.indexedCommit === null) return `${key}: ${f.running ? 'first index in progress' : 'never indexed'}`;
  if (f.stale === null)
    return `${key}: head unknown (GitHub did not answer); indexed ${short(f.indexedCommit)} ${ageOf(f.indexedAt, now)} ago`;
  if (f.stale)
    return `${key}: behind, indexed ${short(f.indexedCommit)} ${ageOf(f.indexedAt, now)} ago, head ${short(f.headCommit)}${going}`;
  return null;
}

/** A deployed service searching with the offline hashing embedder is working, but not as it should. */
export function backendProblem(b: IndexBackends): string | null {
  if (b.deployed && b.embedderKind === 'local')
    return `offline hashing embedder in a deployed service (${b.embedder}); bind AI (Workers AI) or set OPENAI_API_KEY`;
  return null;
}

function freshnessFacts(f: FreshnessReport) {
  return {
    indexedCommit: f.indexedCommit,
    headCommit: f.headCommit,
    stale: f.stale,
    indexedAt: f.indexedAt,
    running: f.running,
    lastRun: f.lastRun ? { outcome: f.lastRun.outcome, finishedAt: f.lastRun.finishedAt } : null,
  };
}

const keyOf = (repo: RepoRef) => `${repoKey(repo)}@${repo.branch}`;

/**
 * The code index in /ai/status: per repository, the indexed commit against the branch
 * head and the last run's outcome. Costs one index-object call and one GitHub request
 * (the branch) per repository, so it can run with every uptime check.
 */
export function indexProbe(services: IndexAccess): LayerProbe {
  return {
    layer: 'index',
    critical: false,
    async check() {
      const index = services.indexing();
      if (!index.repos.length)
        return { state: 'unconfigured', reason: 'INDEX_REPOS is not set; no repository is indexed', latencyMs: 0 };
      const reports = await Promise.all(
        index.repos.map(async (repo) => ({ key: keyOf(repo), freshness: await index.freshnessReport(repo) })),
      );
      const now = Date.now();
      const backends = index.backends();
      const problems = [
        backendProblem(backends),
        ...reports.map((r) => freshnessProblem(r.key, r.freshness, now)),
      ].filter((p): p is string => p !== null);
      const details = { backends, repos: reports.map((r) => ({ repo: r.key, ...freshnessFacts(r.freshness) })) };
      if (problems.length) return { state: 'degraded', reason: problems.join('; ').slice(0, 300), details };
      const oldest = reports.map((r) => r.freshness.indexedAt).sort()[0] ?? null;
      return {
        state: 'ok',
        reason:
          `${backends.embedder} + ${backends.vectorStore} vectors; ${reports.length} repositor${reports.length === 1 ? 'y' : 'ies'} indexed at head (${reports.map((r) => `${r.key} ${short(r.freshness.indexedCommit)}`).join(', ')}); oldest index ${ageOf(oldest, now)} old`.slice(
            0,
            300,
          ),
        details,
      };
    },
  };
}

/** One module as the review shows it: compact, so twelve of them fit the budget. */
function moduleLine(m: ModuleSummary) {
  return {
    module: m.module,
    files: m.files,
    chunks: m.chunks,
    languages: Object.fromEntries(m.languages.slice(0, 3).map((l) => [l.language, l.files])),
    symbols: m.symbols.map(
      (s) => `${s.exported ? 'export ' : ''}${s.kind} ${s.name} (${s.chunks} chunk${s.chunks === 1 ? '' : 's'})`,
    ),
  };
}

/**
 * The review's index part (issue 7): per repository, freshness, and a summary of its
 * top-level modules from the index: file and chunk counts, main languages and the most
 * prominent declarations, bounded to REVIEW_MODULES modules of REVIEW_SYMBOLS symbols.
 */
export async function indexReviewSection({ services }: ReviewContext<IndexAccess>): Promise<SectionContent> {
  const index = services.indexing();
  if (!index.repos.length)
    return { headline: 'No repository is indexed (INDEX_REPOS is not set).', data: { configured: false } };
  const repos = index.repos.slice(0, REVIEW_REPOS);
  const now = Date.now();
  const described = await Promise.all(
    repos.map(async (repo) => {
      const [freshness, modules] = await Promise.all([
        index.freshnessReport(repo),
        index.modules(repo, REVIEW_MODULES, REVIEW_SYMBOLS),
      ]);
      return { repo, freshness, modules };
    }),
  );
  const lines = described.map(({ repo, freshness, modules }) => {
    const state =
      freshnessProblem(keyOf(repo), freshness, now) ??
      `${keyOf(repo)}: at head ${short(freshness.indexedCommit)}, indexed ${ageOf(freshness.indexedAt, now)} ago`;
    const largest = modules.modules.slice(0, 3).map((m) => `${m.module} (${m.chunks})`);
    return `${state}; ${modules.total} module(s)${largest.length ? `, largest ${largest.join(', ')}` : ''}`;
  });
  const more = index.repos.length - repos.length;
  return {
    headline: `Index: ${lines.join('. ')}${more > 0 ? `. ${more} more repositories not shown` : ''}.`.slice(0, 500),
    data: {
      configured: true,
      repos: described.map(({ repo, freshness, modules }) => ({
        repo: repoKey(repo),
        branch: repo.branch,
        freshness: freshnessFacts(freshness),
        modules: { total: modules.total, shown: modules.modules.length, top: modules.modules.map(moduleLine) },
      })),
      ...(more > 0 ? { notShown: index.repos.slice(REVIEW_REPOS).map(keyOf) } : {}),
    },
  };
}
