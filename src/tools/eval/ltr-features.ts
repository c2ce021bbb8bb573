import type { FileRankWeights } from '../../code-index/ranking/files';
import {
  askedOf,
  bitCount,
  type ChunkValues,
  cutRank,
  IN_COMMITS,
  IN_FILES,
  IN_HISTORY,
  IN_LEXICAL,
  IN_VECTOR,
  IN_WORDS,
  listsInPlay,
  type PreparedQuestion,
  ROLES,
  scalingOf,
} from './fast-rank';

/**
 * Features of a question's candidate files for a learned ranker (eval:tune --learn), from what the
 * dump holds: the lists' values as rankFiles scales them (best score = 1), 1/rank in each list, how
 * many lists name the file, its path role and whether the question asks for it, and file facts.
 */
const LISTS = ['files', 'words', 'history', 'commits', 'lexical', 'vector'] as const;
const PENALISED = ROLES.filter((role) => role !== 'source');

export const FEATURE_NAMES: readonly string[] = [
  'file',
  'words',
  'history',
  'commits',
  'chunk.best',
  'chunk.rest',
  'vector.best',
  'vector.rest',
  ...LISTS.map((list) => `1/rank.${list}`),
  'lists',
  ...ROLES.map((role) => `role.${role}`),
  'asked',
  // The role's penalty situation (the role, not asked for): what the path prior acts on.
  ...PENALISED.map((role) => `unasked.${role}`),
  'wordsOn',
  'log.commits',
  'log.lines',
];

export const FEATURES = FEATURE_NAMES.length;

/** A question as the learner sees it: its candidates (indices into the prepared paths) and a row of features each. */
export interface LtrQuestion {
  prepared: PreparedQuestion;
  candidates: Int32Array;
  /** candidates.length × FEATURES, row-major. */
  x: Float64Array;
  relevant: Uint8Array;
}

const rest = (values: ChunkValues, i: number) => values.rest[values.offset[i]! + values.count[i]! - 1]!;

/**
 * The candidates are the files of the lists in play under `weights` (the words list only when it
 * counts for the question), with list values under rankFiles' best-score scaling.
 */
export function ltrQuestion(question: PreparedQuestion, weights: FileRankWeights): LtrQuestion {
  const v = scalingOf(question, false, 0);
  const { present, wordsOn } = listsInPlay(question, weights);
  const asked = askedOf(question, weights);
  const candidates = question.paths.flatMap((_, i) => (question.member[i]! & present ? [i] : []));
  // 1-based rank of the file's first entry in each list (as tune-explain reports it).
  const firstAt = LISTS.map((list) => {
    const at = new Map<string, number>();
    for (const [k, candidate] of question.lists[list].entries())
      if (!at.has(candidate.path)) at.set(candidate.path, k + 1);
    return at;
  });
  const x = new Float64Array(candidates.length * FEATURES);
  for (const [row, i] of candidates.entries()) {
    const path = question.paths[i]!;
    const role = ROLES[question.role[i]!]!;
    const inPlay = (bit: number) => (present & bit ? 1 : 0);
    const facts = question.fileFacts[i];
    const values = [
      v.file[i]!,
      wordsOn ? v.words[i]! : 0,
      v.history[i]! * inPlay(IN_HISTORY),
      v.commits[i]! * inPlay(IN_COMMITS),
      v.chunk.best[i]! * inPlay(IN_LEXICAL),
      rest(v.chunk, i) * inPlay(IN_LEXICAL),
      v.vector.best[i]! * inPlay(IN_VECTOR),
      rest(v.vector, i) * inPlay(IN_VECTOR),
      ...[IN_FILES, IN_WORDS, IN_HISTORY, IN_COMMITS, IN_LEXICAL, IN_VECTOR].map((bit, l) =>
        inPlay(bit) ? 1 / (firstAt[l]!.get(path) ?? Number.POSITIVE_INFINITY) : 0,
      ),
      bitCount(question.member[i]! & present),
      ...ROLES.map((r) => (r === role ? 1 : 0)),
      asked.has(role) ? 1 : 0,
      ...PENALISED.map((r) => (r === role && !asked.has(role) ? 1 : 0)),
      wordsOn ? 1 : 0,
      Math.log1p(facts?.commits ?? 0),
      Math.log1p(facts?.lines ?? 0),
    ];
    x.set(values, row * FEATURES);
  }
  return {
    prepared: question,
    candidates: Int32Array.from(candidates),
    x,
    relevant: Uint8Array.from(candidates, (i) => question.relevant[i]!),
  };
}

/** A trained ranker: the score of row `row` of `x`. */
export interface LtrModel {
  score: (x: Float64Array, row: number) => number;
}

/** Scores of every candidate of a question under a model. */
export function scoresOf(model: LtrModel, question: LtrQuestion): Float64Array {
  return Float64Array.from(question.candidates, (_, row) => model.score(question.x, row));
}

/**
 * The rank /ai/search would give the first relevant file if it ranked by the model: higher score
 * first, then the path, cut at 20 hits with the chunks `weights` would return for each file.
 */
export function modelRank(model: LtrModel, question: LtrQuestion, weights: FileRankWeights): number {
  const { prepared } = question;
  const scores = new Float64Array(prepared.paths.length).fill(Number.NaN);
  const own = scoresOf(model, question);
  for (const [row, i] of question.candidates.entries()) scores[i] = own[row]!;
  return cutRank(prepared, scores, scalingOf(prepared, false, 0), weights.chunk, weights.vector);
}
