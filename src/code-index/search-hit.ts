import type { Declaration } from '../redaction/exposure';
import type { Signal, Snippet } from './ranking/rank';

/*
 * What a code search answers, as plain types: the dashboard imports them (type-only, through
 * src/dashboard/src/server-types.ts), so this file imports nothing that does not build for the browser.
 * The OpenAPI schemas of these answers are in routes/search/.
 */

export interface Freshness {
  indexedCommit: string | null;
  headCommit: string | null;
  /** True when the branch moved past the indexed commit; null when the head could not be read. */
  stale: boolean | null;
  indexedAt: string | null;
  running: boolean;
}

export interface SearchHit {
  repo: string;
  path: string;
  /** Rank of the hit's file (hits are grouped by file; a file brings at most two chunks). */
  fileRank: number;
  startLine: number;
  endLine: number;
  symbol: string | null;
  kind: string;
  language: string;
  score: number;
  signals: Signal[];
  /** The file's deterministic summary (exports, declarations with their doc comments, imports). */
  summary: string | null;
  /** A model-written paragraph about the file (INDEX_MODEL_SUMMARIES), or null. */
  modelSummary: string | null;
  /** Subjects of the newest commits that changed the file (pull-request titles where named), newest first. */
  history: string[];
  snippet: Snippet;
  /** Signature and doc comment at the chunk's start: what the gpt client sees instead of code (src/redaction/exposure.ts). */
  declaration: Declaration;
  /** The commit this hit's file was indexed at. */
  indexedCommit: string | null;
  /** Whether the file changed between that commit and the branch head; null when that is unknown. */
  changedSince: boolean | null;
}

/** A hit as the search routes show it to every caller but the gpt client (which may get a declaration instead of code). */
export type ShownHit = Omit<SearchHit, 'declaration'>;

/** GET /ai/search, as the dashboard and Cursor receive it. */
export interface CodeSearchAnswer {
  repo: string;
  branch: string;
  query: string;
  count: number;
  freshness: Freshness;
  results: ShownHit[];
}

/** GET /ai/github/recall, as the dashboard and Cursor receive it. */
export interface CodeRecallAnswer {
  query: string;
  count: number;
  repos: { repo: string; branch: string; freshness: Freshness }[];
  results: ShownHit[];
}
