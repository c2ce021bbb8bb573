/**
 * Evaluation only (dev-entry, when EVAL_SEARCH_LISTS is bound): the candidate lists a search ranks,
 * so `eval:search --dump` can record them for the offline tuner. Nothing here ships.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { createApp } from '../app';
import { guard, ALL_CLIENTS } from '../auth/guard';
import { publicQuery } from '../code-index/service';
import { searchRoute } from '../routes/search/search';
import { validationError } from '../routes/router';
import { candidateLists, type CandidateLists } from '../code-index/ranking/file-search';
import type { FileRankWeights } from '../code-index/ranking/files';
import { COCHANGE_PARTNERS } from '../code-index/ranking/cochange';
import { pathRole } from '../code-index/ranking/path-prior';
import type { RepoIndexStore, RankedHit, SearchFilters } from '../code-index/store/repo-index-store';
import type { FileHistory } from '../code-index/store/file-history';
import type { VectorQuery } from '../code-index/repo-index-object';

/** The route, beside /ai/search and asked the same way (q, path, lang, repo; k is ignored). */
export const SEARCH_LISTS_PATH = '/ai/search/lists';

/** Facts of a file named in a list (DumpFile in src/tools/eval/search-dump.ts). */
export interface ListedFile {
  lines: number | null;
  commits: number;
  lastChange: string | null;
  /** A file the path prior may demote (not source): its most bound source partners and their shares (FileHistory.partners). */
  partners?: [path: string, share: number][];
}

/** The answer: every list gathered whatever its weight, the weights the object ranks with, and the listed files' facts. */
export interface SearchLists {
  /** The question as ranked (trimmed, secrets redacted: as /ai/search ranks it). */
  question: string;
  weights: FileRankWeights;
  lists: CandidateLists;
  docsLean: number | null;
  testsLean: number | null;
  files: Record<string, ListedFile>;
}

/** The object side of a lists request (the object's own store, history and weights). */
export interface ListsObject {
  searchLists(question: string, filters: SearchFilters, vector: VectorQuery | null): SearchLists;
}

/** The lists of one question, read inside the index object. */
export function searchLists(
  sql: SqlStorage,
  index: { store: RepoIndexStore; history: FileHistory; weights: FileRankWeights; hits: RankedHit[] },
  question: string,
  filters: SearchFilters,
): SearchLists {
  const { store, history, weights, hits } = index;
  const { lists, docsLean, testsLean } = candidateLists(store, question, filters, hits, {
    weights,
    history,
    all: true,
  });
  const paths = new Set(Object.values(lists).flatMap((list: { path: string }[]) => list.map((item) => item.path)));
  const files = listedFiles(sql, paths);
  // Every file that may lend (any role but source) with the partners a ranking would read, so the tuner can weigh co-change.
  const lenders = [...paths].filter((path) => pathRole(path) !== 'source');
  for (const [path, partners] of history.partners(lenders))
    files[path]!.partners = partners
      .filter((partner) => pathRole(partner.path) === 'source')
      .slice(0, COCHANGE_PARTNERS)
      .map((partner) => [partner.path, partner.share]);
  return { question, weights, lists, docsLean, testsLean, files };
}

/** A walked commit's date in UTC: `at` is the commit's date with its offset, then `#` and its place in the listing. */
const COMMIT_DATE = "CASE WHEN instr(c.at, '#') > 0 THEN substr(c.at, 1, instr(c.at, '#') - 1) ELSE c.at END";

/**
 * lines: the last line of the file's last indexed chunk (null without chunks). commits and lastChange: the
 * walked commits with a subject that changed the file (PastCommits rows, every one, not the 20 subjects the
 * history field keeps) and the newest one's date, in UTC.
 */
function listedFiles(sql: SqlStorage, paths: Set<string>): Record<string, ListedFile> {
  const wanted = JSON.stringify([...paths]);
  const out: Record<string, ListedFile> = {};
  for (const path of paths) out[path] = { lines: null, commits: 0, lastChange: null };
  for (const row of sql.exec<{ path: string; n: number }>(
    'SELECT path, max(end_line) AS n FROM chunks WHERE path IN (SELECT value FROM json_each(?)) GROUP BY path',
    wanted,
  ))
    out[row.path]!.lines = row.n;
  // One pass over the commit files (they have no index by path), not one per file.
  for (const row of sql.exec<{ path: string; n: number; newest: string | null }>(
    `SELECT f.path AS path, count(*) AS n, max(strftime('%Y-%m-%dT%H:%M:%SZ', ${COMMIT_DATE})) AS newest
     FROM history_commit_files f
     JOIN history_commit_rows r ON r.id = f.id LEFT JOIN history_commits c ON c.sha = r.sha
     WHERE f.path IN (SELECT value FROM json_each(?)) GROUP BY f.path`,
    wanted,
  ))
    Object.assign(out[row.path]!, { commits: row.n, lastChange: row.newest });
  return out;
}

async function answer(c: Context<AppEnv>): Promise<Response> {
  const parsed = searchRoute.request!.query!.safeParse(c.req.query());
  if (!parsed.success) throw validationError(parsed.error, 'query');
  const query = parsed.data;
  const index = c.var.services.indexing();
  const repo = index.resolve(query.repo);
  // As /ai/search asks: the public question, embedded by the same service and compared with the same vectors.
  const question = publicQuery(query.q);
  const filters: SearchFilters = { path: query.path, language: query.lang };
  const vector = await index.vectorQuery(repo, question, filters);
  const stub = index.stub(repo) as unknown as { searchLists: ListsObject['searchLists'] };
  return c.json(await stub.searchLists(question, filters, vector));
}

/** Whether a request is for the lists route with EVAL_SEARCH_LISTS bound (else it goes to the Worker: a 404). */
export function asksSearchLists(request: Request, env: object): boolean {
  return (
    (env as { EVAL_SEARCH_LISTS?: string }).EVAL_SEARCH_LISTS === '1' &&
    new URL(request.url).pathname === SEARCH_LISTS_PATH
  );
}

let app: ReturnType<typeof createApp> | undefined;

/** The Worker's app with the lists route added (behind /ai/*'s services and the API-key guard of /ai/search), built once. */
export function searchListsApp(): ReturnType<typeof createApp> {
  if (app) return app;
  app = createApp();
  app.use(SEARCH_LISTS_PATH, ...guard({ clients: ALL_CLIENTS }));
  app.get(SEARCH_LISTS_PATH, answer);
  return app;
}
