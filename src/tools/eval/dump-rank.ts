import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileFacts } from '../../code-index/ranking/file-facts';
import { DEFAULT_WEIGHTS, type FileRankWeights, type WeightOverrides } from '../../code-index/ranking/files';
import type { TermEvidence } from '../../code-index/ranking/term-evidence';
import { readEvidence } from './evidence-file';
import { type DumpQuestion, dumpPartners, reproduceSearch, SEARCH_K, type SearchDump } from './search-dump';
import type { CochangePartners } from '../../code-index/ranking/cochange';

/**
 * A dump as the tuner uses it: its weights completed with defaults for weights added after it was taken;
 * `questions` holds only the code questions (no `kind`), which alone the tuner's figures and objective
 * read; the docs and tests questions are in `roleQuestions`, reported apart.
 */
export interface LoadedDump extends SearchDump {
  facts: (path: string) => FileFacts | undefined;
  roleQuestions: DumpQuestion[];
  /** Per code question (`questions`), its candidates' per-term evidence (eval:evidence), when read. */
  evidence?: ((path: string) => TermEvidence | undefined)[];
  /** Co-change partners the dump recorded (none in older dumps: the term then stays off). */
  partners: CochangePartners;
}

/** Weights with overrides applied (the shape of weightsFor and SEARCH_WEIGHTS). */
export function withOverrides(base: FileRankWeights, overrides: WeightOverrides = {}): FileRankWeights {
  return { ...base, ...overrides, roles: { ...base.roles, ...overrides.roles } };
}

const DAY_MS = 86_400_000;

/** An ISO date as the dump writes it (a `#…` suffix after the date, if any, is a sort key, not part of it). */
function dateOf(value: string): number {
  return Date.parse(value.split('#')[0]!);
}

/** File facts of a dump; a file's age counts from the history cut-off (else the newest change in the dump). */
export function dumpFacts(dump: Pick<SearchDump, 'until' | 'filesFacts'>): (path: string) => FileFacts | undefined {
  const changes = Object.values(dump.filesFacts).flatMap((file) =>
    file.lastChange ? [Date.parse(file.lastChange)] : [],
  );
  const end = dump.until ? Date.parse(dump.until) : Math.max(0, ...changes);
  const facts = new Map<string, FileFacts>();
  for (const [path, file] of Object.entries(dump.filesFacts))
    facts.set(path, {
      lines: file.lines,
      commits: file.commits,
      ageDays: file.lastChange ? (end - dateOf(file.lastChange)) / DAY_MS : null,
    });
  return (path) => facts.get(path);
}

export function loadDump(dump: SearchDump): LoadedDump {
  // Tooling was part of configuration until it became a role of its own: an older dump ranked it so.
  const roles = dump.weights.roles as Partial<FileRankWeights['roles']>;
  const split = roles.tooling === undefined && roles.config !== undefined ? { tooling: roles.config } : {};
  const weights = withOverrides(DEFAULT_WEIGHTS, { ...dump.weights, roles: { ...roles, ...split } });
  const code = dump.questions.filter((question) => (question.kind ?? 'code') === 'code');
  const roleQuestions = dump.questions.filter((question) => (question.kind ?? 'code') !== 'code');
  return {
    ...dump,
    questions: code,
    roleQuestions,
    weights,
    facts: dumpFacts(dump),
    partners: dumpPartners(dump.filesFacts),
  };
}

/**
 * Every dump (`<name>.json` holding `version: 1` and questions) in a directory, by name; other JSON
 * files are left alone. With `evidenceDir`, each dump's per-term evidence from there (eval:evidence).
 */
export function readDumps(dir: string, only?: string[], evidenceDir?: string): LoadedDump[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && (!only?.length || only.includes(file.slice(0, -5))))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as SearchDump)
    .filter((dump) => dump.version === 1 && Array.isArray(dump.questions))
    .map(loadDump)
    .map((dump) => (evidenceDir ? { ...dump, evidence: readEvidence(evidenceDir, dump) } : dump));
}

/**
 * A question ranked as a search ranks it and cut as /ai/search fills its hits (reproduceSearch,
 * from search-dump): the reference the fast scorer must match, with file facts when given.
 */
export function rankDumpQuestion(
  question: DumpQuestion,
  weights: FileRankWeights,
  facts?: (path: string) => FileFacts | undefined,
  evidence?: (path: string) => TermEvidence | undefined,
  partners?: CochangePartners,
): { rank: number; returnedFiles: number } {
  const again = reproduceSearch(question, weights, SEARCH_K, facts, evidence, partners);
  return { rank: again.searchRank, returnedFiles: again.returnedFiles };
}

export interface Faithfulness {
  name: string;
  questions: number;
  reproduced: number;
  mismatches: { query: string; searchRank: number; returnedFiles: number; rank: number; returned: number }[];
}

/** Re-rank every question with the dump's own weights: each must give the searchRank and returnedFiles recorded. */
export function checkFaithfulness(dump: LoadedDump): Faithfulness {
  const mismatches: Faithfulness['mismatches'] = [];
  for (const question of dump.questions) {
    const { rank, returnedFiles } = rankDumpQuestion(question, dump.weights, undefined, undefined, dump.partners);
    if (rank !== question.searchRank || returnedFiles !== question.returnedFiles)
      mismatches.push({
        query: question.query,
        searchRank: question.searchRank,
        returnedFiles: question.returnedFiles,
        rank,
        returned: returnedFiles,
      });
  }
  return {
    name: dump.name,
    questions: dump.questions.length,
    reproduced: dump.questions.length - mismatches.length,
    mismatches,
  };
}
