import type { FileRankWeights, WeightOverrides } from '../../code-index/ranking/files';
import type { RoleFactors } from '../../code-index/ranking/path-prior';
import type { RetrievalFigures } from './metrics';

/** One weight the tuner may move, with the bounded grid it tries. */
export interface TuneParam {
  name: string;
  values: readonly (number | boolean)[];
  get: (weights: FileRankWeights) => number | boolean;
  set: (weights: FileRankWeights, value: number | boolean) => FileRankWeights;
}

type ScalarName = Exclude<
  keyof FileRankWeights,
  'roles' | 'fileFields' | 'chunkFields' | 'commitsTop' | 'commitsAlpha' | 'priors' | 'chunkAbsent' | 'testsMargin'
>;

function scalar(name: ScalarName, values: readonly (number | boolean)[]): TuneParam {
  return { name, values, get: (w) => w[name], set: (w, value) => ({ ...w, [name]: value }) };
}

function role(name: keyof RoleFactors): TuneParam {
  return {
    name: `roles.${name}`,
    values: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1],
    get: (w) => w.roles[name],
    set: (w, value) => ({ ...w, roles: { ...w.roles, [name]: value as number } }),
  };
}

/**
 * The weights that act inside rankFiles (fileFields, chunkFields, commitsTop and commitsAlpha act in
 * SQL before the lists exist, so a dump cannot move them). Grids are bounded and declared here.
 */
export const BASE_PARAMS: TuneParam[] = [
  scalar('file', [0, 0.25, 0.5, 0.75, 1, 1.5, 2]),
  scalar('words', [0, 0.25, 0.5, 0.75, 1, 1.5, 2]),
  scalar('history', [0, 0.1, 0.25, 0.5, 0.75, 1]),
  scalar('commits', [0, 0.1, 0.2, 0.3, 0.5, 0.75, 1]),
  scalar('chunk', [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2]),
  scalar('vector', [0, 0.1, 0.25, 0.5]),
  scalar('extra', [0, 0.05, 0.1, 0.15, 0.25, 0.4]),
  scalar('extraChunks', [0, 1, 2, 3, 5]),
  role('test'),
  role('bench'),
  role('example'),
  role('generated'),
  role('docs'),
  role('config'),
  role('tooling'),
  scalar('wordsWhenAsked', [false, true]),
  scalar('learnedDocs', [false, true]),
  scalar('minmax', [false, true]),
];

/** New features (weight 0 = off, the default): file facts from history and size, rank-based scaling, list consensus, and a floor for files the lexical chunk list left out. */
export const FEATURE_PARAMS: Record<string, TuneParam> = {
  activity: scalar('activity', [-0.5, -0.25, -0.1, 0, 0.1, 0.25, 0.5, 1, 2]),
  size: scalar('size', [0, 0.1, 0.2, 0.35, 0.5]),
  recency: scalar('recency', [0, 0.1, 0.25, 0.5, 1]),
  rankScale: scalar('rankScale', [0, 5, 10, 30, 60]),
  consensus: scalar('consensus', [0, 0.1, 0.25, 0.5, 1, 2]),
  chunkAbsent: {
    name: 'chunkAbsent',
    values: [0, 0.25, 0.5, 0.75, 1],
    get: (w) => w.chunkAbsent ?? 0,
    set: (w, value) => ({ ...w, chunkAbsent: value as number }),
  },
  // Per-term evidence (eval:evidence, read with --extra-features): coverage and span scale a file's
  // score (score × value^weight), defines and declares add to its fused value.
  coverage: scalar('coverage', [0, 0.25, 0.5, 1, 2, 4]),
  span: scalar('span', [0, 0.25, 0.5, 1, 2]),
  defines: scalar('defines', [0, 0.1, 0.25, 0.5, 1]),
  declares: scalar('declares', [0, 0.1, 0.25, 0.5, 1]),
  // Co-change (the dump's recorded partners; older dumps have none, so it changes nothing there).
  cochange: scalar('cochange', [0, 0.25, 0.5, 0.75, 1]),
};

/** The features that read per-term evidence (eval:tune --extra-features). */
export const EVIDENCE_FEATURES = ['coverage', 'span', 'defines', 'declares'];

/** The features that read file facts (the others act on the lists alone). */
export const FACT_FEATURES = ['activity', 'size', 'recency'];

/** What the tuner maximises over repositories (each repository counts the same). */
export interface Objective {
  /** r5+mrr (default), r5 or mrr: the per-repository value averaged. */
  measure: 'r5+mrr' | 'r5' | 'mrr';
  /** Subtracted per unit of the mean shortfall below BM25-over-code-files + margin recall@5. */
  penalty: number;
  margin: number;
  /** Weight of the docs and tests questions' term (tune-roles.ts roleTerm); absent or 0: code questions only. */
  roleWeight?: number;
}

export const DEFAULT_OBJECTIVE: Objective = { measure: 'r5+mrr', penalty: 2, margin: 0.05 };

export function objectiveValue(
  repos: { search: RetrievalFigures; code: RetrievalFigures }[],
  objective: Objective = DEFAULT_OBJECTIVE,
): number {
  if (!repos.length) return 0;
  let total = 0;
  for (const { search, code } of repos) {
    const value =
      objective.measure === 'r5'
        ? search.recall5
        : objective.measure === 'mrr'
          ? search.mrr
          : search.recall5 + search.mrr;
    total += value - objective.penalty * Math.max(0, code.recall5 + objective.margin - search.recall5);
  }
  return total / repos.length;
}

/** The tuned weights as SEARCH_WEIGHTS overrides: only the parameters that differ from `base`. */
export function overridesFrom(weights: FileRankWeights, base: FileRankWeights, params: TuneParam[]): WeightOverrides {
  const out: Record<string, unknown> = {};
  const roles: Record<string, number> = {};
  for (const param of params) {
    const value = param.get(weights);
    if (value === param.get(base)) continue;
    if (param.name.startsWith('roles.')) roles[param.name.slice(6)] = value as number;
    else out[param.name] = value;
  }
  if (Object.keys(roles).length) out.roles = roles;
  return out as WeightOverrides;
}

/**
 * Deterministic starting points: the given weights, lexical lists only, history-led, and for each new
 * feature in the space the given weights with that feature on (a feature may pay only once it is on
 * and the others move with it).
 */
export function startingPoints(base: FileRankWeights, params: TuneParam[]): FileRankWeights[] {
  const starts = [
    base,
    { ...base, file: 1, words: 1, history: 0, commits: 0, chunk: 0, vector: 0 },
    { ...base, history: 1, commits: 1, vector: 0 },
  ];
  for (const param of Object.values(FEATURE_PARAMS))
    if (params.includes(param)) starts.push(param.set(base, param.values[Math.floor((param.values.length * 2) / 3)]!));
  return starts;
}
