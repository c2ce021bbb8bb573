import { factsFactor, type FileFacts } from '../../code-index/ranking/file-facts';
import { type FileCandidate, type FileRankWeights, scaled } from '../../code-index/ranking/files';
import { askedRoles, type PathRole, pathRole } from '../../code-index/ranking/path-prior';
import { hitsOfFile, SEARCH_CHUNKS_PER_FILE, SEARCH_HITS } from './search-cut';
import type { DumpQuestion } from './search-dump';

/**
 * The tuner evaluates thousands of weight settings over the same questions, so it does not re-run
 * rankFiles each time: what does not depend on the weights (roles, list membership, scaled list
 * values) is computed once per question, and a setting's rank is one pass over the files without a
 * sort. It computes the same numbers in the same order as rankFiles (a test compares both).
 */
const IN_FILES = 1;
const IN_WORDS = 2;
const IN_HISTORY = 4;
const IN_COMMITS = 8;
const IN_LEXICAL = 16;
const IN_VECTOR = 32;

interface FileRow {
  path: string;
  relevant: boolean;
  role: PathRole;
  member: number;
  facts: FileFacts | undefined;
}

/** A file's list values under one scaling (best-score, min-max or rank). */
interface ScaledRow {
  file: number;
  words: number;
  history: number;
  commits: number;
  /** Prefix sums of the 2nd, 3rd, … best chunk values (index j: the sum of j of them), and the best. */
  chunkBest: number;
  chunkRest: number[];
  vectorBest: number;
  vectorRest: number[];
  /** Each chunk's contributions in rankFiles' order: [from the vector list?, scaled value]. */
  chunks: [boolean, number][][];
}

export interface PreparedQuestion {
  rows: FileRow[];
  /** The words list counts unless the question names a role it does not hold (or wordsWhenAsked). */
  named: boolean;
  askedLearned: Set<PathRole>;
  askedWords: Set<PathRole>;
  scalings: Map<string, ScaledRow[]>;
  lists: DumpQuestion['lists'];
}

export function prepareQuestion(
  question: Pick<DumpQuestion, 'query' | 'relevant' | 'lists' | 'docsLean'>,
  facts?: (path: string) => FileFacts | undefined,
): PreparedQuestion {
  const index = new Map<string, number>();
  const rows: FileRow[] = [];
  const add = (path: string, bit: number) => {
    let at = index.get(path);
    if (at === undefined) {
      at = rows.length;
      index.set(path, at);
      rows.push({
        path,
        relevant: question.relevant.includes(path),
        role: pathRole(path),
        member: 0,
        facts: facts?.(path),
      });
    }
    rows[at]!.member |= bit;
  };
  const { lists } = question;
  for (const [list, bit] of [
    [lists.files, IN_FILES],
    [lists.words, IN_WORDS],
    [lists.history, IN_HISTORY],
    [lists.commits, IN_COMMITS],
    [lists.lexical, IN_LEXICAL],
    [lists.vector, IN_VECTOR],
  ] as const)
    for (const candidate of list) add(candidate.path, bit);
  return {
    rows,
    named: [...askedRoles(question.query)].some((role) => role !== 'generated'),
    askedLearned: askedRoles(question.query, question.docsLean),
    askedWords: askedRoles(question.query, null),
    scalings: new Map(),
    lists,
  };
}

function scaledRows(question: PreparedQuestion, minmax: boolean, rankScale: number): ScaledRow[] {
  const key = `${minmax}:${rankScale}`;
  const cached = question.scalings.get(key);
  if (cached) return cached;
  const at = new Map(question.rows.map((row, i) => [row.path, i]));
  const values = question.rows.map(() => ({
    file: 0,
    words: 0,
    history: 0,
    commits: 0,
    chunk: [] as number[],
    vector: [] as number[],
    chunks: new Map<number, [boolean, number][]>(),
  }));
  const fileList = (list: FileCandidate[], field: 'file' | 'words' | 'history' | 'commits') => {
    for (const [candidate, value] of scaled(list, minmax, rankScale)) {
      const v = values[at.get(candidate.path)!]!;
      v[field] = Math.max(v[field], value);
    }
  };
  fileList(question.lists.files, 'file');
  fileList(question.lists.words, 'words');
  fileList(question.lists.history, 'history');
  fileList(question.lists.commits, 'commits');
  for (const [fromVector, list] of [
    [false, question.lists.lexical],
    [true, question.lists.vector],
  ] as const)
    for (const [candidate, value] of scaled(list, minmax, rankScale)) {
      const v = values[at.get(candidate.path)!]!;
      (fromVector ? v.vector : v.chunk).push(value);
      const parts = v.chunks.get(candidate.id) ?? [];
      parts.push([fromVector, value]);
      v.chunks.set(candidate.id, parts);
    }
  const rest = (sorted: number[]) => {
    const sums = [0];
    for (const value of sorted.slice(1)) sums.push(sums[sums.length - 1]! + value);
    return sums;
  };
  const rows = values.map((v) => {
    const chunk = [...v.chunk].sort((a, b) => b - a);
    const vector = [...v.vector].sort((a, b) => b - a);
    return {
      file: v.file,
      words: v.words,
      history: v.history,
      commits: v.commits,
      chunkBest: chunk[0] ?? 0,
      chunkRest: rest(chunk),
      vectorBest: vector[0] ?? 0,
      vectorRest: rest(vector),
      chunks: [...v.chunks.values()],
    };
  });
  question.scalings.set(key, rows);
  return rows;
}

/** How many hits a file takes: its chunks' scores as rankFiles adds them (only lists with a positive weight count). */
function fileHits(parts: [boolean, number][][], weights: FileRankWeights): number {
  const scores: number[] = [];
  for (const chunk of parts) {
    let score = 0;
    let present = false;
    for (const [fromVector, value] of chunk) {
      const weight = fromVector ? weights.vector : weights.chunk;
      if (weight <= 0) continue;
      score += weight * value;
      present = true;
    }
    if (present) scores.push(score);
  }
  return hitsOfFile(
    scores.sort((a, b) => b - a),
    SEARCH_CHUNKS_PER_FILE,
  );
}

/** The rank /ai/search would give the question's first relevant file under `weights` (0: not returned). */
export function fastRank(question: PreparedQuestion, weights: FileRankWeights, withFacts = false): number {
  const rows = scaledRows(question, weights.minmax, weights.rankScale);
  const wordsOn = weights.words > 0 && (weights.wordsWhenAsked || !question.named);
  const asked = weights.learnedDocs ? question.askedLearned : question.askedWords;
  let present = IN_FILES | IN_HISTORY | IN_COMMITS;
  if (wordsOn) present |= IN_WORDS;
  if (weights.chunk > 0) present |= IN_LEXICAL;
  if (weights.vector > 0) present |= IN_VECTOR;
  const aggregate = (best: number, rest: number[]) =>
    best + weights.extra * rest[Math.min(weights.extraChunks, rest.length - 1)]!;
  const scores = new Float64Array(question.rows.length);
  let target = -1;
  for (const [i, row] of question.rows.entries()) {
    if (!(row.member & present)) {
      scores[i] = Number.NaN;
      continue;
    }
    const v = rows[i]!;
    const raw =
      weights.file * v.file +
      weights.words * (wordsOn ? v.words : 0) +
      weights.history * v.history +
      weights.commits * v.commits +
      weights.chunk * (weights.chunk > 0 ? aggregate(v.chunkBest, v.chunkRest) : 0) +
      weights.vector * (weights.vector > 0 ? aggregate(v.vectorBest, v.vectorRest) : 0);
    const prior = row.role === 'source' || asked.has(row.role) ? 1 : weights.roles[row.role];
    const base = weights.priors ? raw * prior : raw;
    scores[i] = withFacts ? base * factsFactor(row.facts, weights) : base;
    if (row.relevant && (target < 0 || before(scores, question.rows, i, target))) target = i;
  }
  if (target < 0) return 0;
  let hits = 0;
  let rank = 1;
  for (let i = 0; i < question.rows.length; i++) {
    if (Number.isNaN(scores[i]!) || !before(scores, question.rows, i, target)) continue;
    hits += fileHits(rows[i]!.chunks, weights);
    rank++;
    if (hits >= SEARCH_HITS) return 0;
  }
  return rank;
}

/** rankFiles' order: higher score first, then the path. */
function before(scores: Float64Array, rows: FileRow[], a: number, b: number): boolean {
  return scores[a]! > scores[b]! || (scores[a] === scores[b] && rows[a]!.path < rows[b]!.path);
}
