import { type FactTerms, factsFactorOf, factTerms, type FileFacts } from '../../code-index/ranking/file-facts';
import {
  consensusFactor,
  type FileCandidate,
  type FileRankWeights,
  learnedTestsLean,
  scaled,
} from '../../code-index/ranking/files';
import { askedRoles, type PathRole, pathRole } from '../../code-index/ranking/path-prior';
import { CHUNKS_PER_FILE } from '../../code-index/ranking/file-search';
import { evidenceFactor, evidenceTerm, type TermEvidence } from '../../code-index/ranking/term-evidence';
import { type DumpQuestion, SEARCH_K } from './search-dump';
import {
  COCHANGE_CAP,
  COCHANGE_FROM,
  COCHANGE_PARTNERS,
  type CochangePartners,
} from '../../code-index/ranking/cochange';

/**
 * The tuner evaluates thousands of weight settings over the same questions, so it does not re-run
 * rankFiles each time: what does not depend on the weights (roles, list membership, scaled list
 * values) is computed once per question, and a setting's rank is one pass over the files without a
 * sort. It computes the same numbers in the same order as rankFiles (a test compares both).
 */
export const IN_FILES = 1;
export const IN_WORDS = 2;
export const IN_HISTORY = 4;
export const IN_COMMITS = 8;
export const IN_LEXICAL = 16;
export const IN_VECTOR = 32;

export const ROLES: PathRole[] = ['source', 'test', 'bench', 'example', 'docs', 'generated', 'config', 'tooling'];

/** A file's list values under one scaling (best-score, min-max or rank), one entry per file. */
export interface Scaling {
  file: Float64Array;
  words: Float64Array;
  history: Float64Array;
  commits: Float64Array;
  chunk: ChunkValues;
  vector: ChunkValues;
  /** Each file's chunks, each as its contributions in rankFiles' order: [from the vector list?, scaled value]. */
  chunks: [boolean, number][][][];
  /** The lexical chunk list's last scaled value (what chunkAbsent shares). */
  lastLexical: number;
}

/** Per file: the best value, and prefix sums of the further ones (sum of the first j after the best) in one flat array. */
export interface ChunkValues {
  best: Float64Array;
  offset: Int32Array;
  count: Int32Array;
  rest: Float64Array;
}

export interface PreparedQuestion {
  paths: string[];
  relevant: Uint8Array;
  /** Index into ROLES. */
  role: Uint8Array;
  member: Uint8Array;
  facts: (FactTerms | undefined)[];
  /** The file facts those terms come from (for the learned ranker's features). */
  fileFacts: (FileFacts | undefined)[];
  /** Per-term evidence of each file for this question (eval:evidence), when read. */
  evidence: (TermEvidence | undefined)[];
  /** The words list counts unless the question names a role it does not hold (or wordsWhenAsked). */
  named: boolean;
  /** The roles asked with the docs lean learned, and by the words alone (askedRoles without a tests lean). */
  askedLearned: Set<PathRole>;
  askedWords: Set<PathRole>;
  /** FileHistory.testsLean of the question (null: none, or a dump from before it); askedOf adds tests by it. */
  testsLean: number | null;
  scalings: Map<string, Scaling>;
  lists: DumpQuestion['lists'];
  /** Per file that may lend (not source), its co-change partners as [index into paths or -1, share], most bound first. */
  partners: ([number, number][] | undefined)[];
}

export function prepareQuestion(
  question: Pick<DumpQuestion, 'query' | 'relevant' | 'lists' | 'docsLean' | 'testsLean'>,
  facts?: (path: string) => FileFacts | undefined,
  evidence?: (path: string) => TermEvidence | undefined,
  partners?: CochangePartners,
): PreparedQuestion {
  const index = new Map<string, number>();
  const members: number[] = [];
  const { lists } = question;
  for (const [list, bit] of [
    [lists.files, IN_FILES],
    [lists.words, IN_WORDS],
    [lists.history, IN_HISTORY],
    [lists.commits, IN_COMMITS],
    [lists.lexical, IN_LEXICAL],
    [lists.vector, IN_VECTOR],
  ] as const)
    for (const candidate of list) {
      let at = index.get(candidate.path);
      if (at === undefined) {
        at = members.length;
        index.set(candidate.path, at);
        members.push(0);
      }
      members[at]! |= bit;
    }
  const paths = [...index.keys()];
  const found = partners?.(paths.filter((path) => pathRole(path) !== 'source'));
  return {
    paths,
    relevant: Uint8Array.from(paths, (path) => (question.relevant.includes(path) ? 1 : 0)),
    role: Uint8Array.from(paths, (path) => ROLES.indexOf(pathRole(path))),
    member: Uint8Array.from(members),
    fileFacts: paths.map((path) => facts?.(path)),
    facts: paths.map((path) => {
      const found = facts?.(path);
      return found && factTerms(found);
    }),
    evidence: paths.map((path) => evidence?.(path)),
    named: [...askedRoles(question.query)].some((role) => role !== 'generated'),
    askedLearned: askedRoles(question.query, question.docsLean),
    askedWords: askedRoles(question.query, null),
    testsLean: question.testsLean ?? null,
    scalings: new Map(),
    lists,
    partners: paths.map((path) =>
      found
        ?.get(path)
        ?.filter((partner) => pathRole(partner.path) === 'source')
        .slice(0, COCHANGE_PARTNERS)
        .map((partner): [number, number] => [index.get(partner.path) ?? -1, partner.share]),
    ),
  };
}

function chunkValues(values: number[][]): ChunkValues {
  const out: ChunkValues = {
    best: new Float64Array(values.length),
    offset: new Int32Array(values.length),
    count: new Int32Array(values.length),
    rest: new Float64Array(values.reduce((sum, v) => sum + Math.max(1, v.length), 0)),
  };
  let at = 0;
  for (const [i, unsorted] of values.entries()) {
    const sorted = [...unsorted].sort((a, b) => b - a);
    out.best[i] = sorted[0] ?? 0;
    out.offset[i] = at;
    out.count[i] = Math.max(1, sorted.length);
    out.rest[at] = 0;
    for (let j = 1; j < sorted.length; j++) out.rest[at + j] = out.rest[at + j - 1]! + sorted[j]!;
    at += out.count[i]!;
  }
  return out;
}

export function scalingOf(question: PreparedQuestion, minmax: boolean, rankScale: number): Scaling {
  const key = `${minmax}:${rankScale}`;
  const cached = question.scalings.get(key);
  if (cached) return cached;
  const n = question.paths.length;
  const at = new Map(question.paths.map((path, i) => [path, i]));
  const fileList = (list: FileCandidate[]) => {
    const out = new Float64Array(n);
    for (const [candidate, value] of scaled(list, minmax, rankScale)) {
      const i = at.get(candidate.path)!;
      out[i] = Math.max(out[i]!, value);
    }
    return out;
  };
  const chunk = question.paths.map((): number[] => []);
  const vector = question.paths.map((): number[] => []);
  const chunks = question.paths.map(() => new Map<number, [boolean, number][]>());
  for (const [fromVector, list] of [
    [false, question.lists.lexical],
    [true, question.lists.vector],
  ] as const)
    for (const [candidate, value] of scaled(list, minmax, rankScale)) {
      const i = at.get(candidate.path)!;
      (fromVector ? vector : chunk)[i]!.push(value);
      const parts = chunks[i]!.get(candidate.id) ?? [];
      parts.push([fromVector, value]);
      chunks[i]!.set(candidate.id, parts);
    }
  const scaling: Scaling = {
    file: fileList(question.lists.files),
    words: fileList(question.lists.words),
    history: fileList(question.lists.history),
    commits: fileList(question.lists.commits),
    chunk: chunkValues(chunk),
    vector: chunkValues(vector),
    chunks: chunks.map((byId) => [...byId.values()]),
    lastLexical: 0,
  };
  const lexical = [...scaled(question.lists.lexical, minmax, rankScale).values()];
  if (lexical.length) scaling.lastLexical = lexical[lexical.length - 1]!;
  question.scalings.set(key, scaling);
  return scaling;
}

/** How many hits a file takes: its chunks' scores as rankFiles adds them (only lists with a positive weight count). */
export function fileHits(parts: [boolean, number][][], chunkWeight: number, vectorWeight: number): number {
  const scores: number[] = [];
  for (const chunk of parts) {
    let score = 0;
    let present = false;
    for (const [fromVector, value] of chunk) {
      const weight = fromVector ? vectorWeight : chunkWeight;
      if (weight <= 0) continue;
      score += weight * value;
      present = true;
    }
    if (present) scores.push(score);
  }
  // As fillHits takes them: the chunks scoring at least half the best, at most CHUNKS_PER_FILE; one for a file without chunks.
  if (!scores.length) return 1;
  const best = Math.max(...scores);
  return Math.min(CHUNKS_PER_FILE, scores.filter((score) => score >= 0.5 * best).length);
}

/** rankFiles' aggregate of a file's chunk values: the best plus `extra` times the sum of the next `extraChunks`. */
function aggregate(values: ChunkValues, i: number, extra: number, extraChunks: number): number {
  return values.best[i]! + extra * values.rest[values.offset[i]! + Math.min(extraChunks, values.count[i]! - 1)]!;
}

/** Scores of the question being ranked, and its fused values and co-change lifts (reused: a tuning run ranks millions of questions). */
let scratch = new Float64Array(512);
let fusedScratch = new Float64Array(512);
let liftScratch = new Float64Array(512);

/** The rank /ai/search would give the question's first relevant file under `weights` (0: not returned). */
export function fastRank(question: PreparedQuestion, weights: FileRankWeights, withFacts = false): number {
  const v = scalingOf(question, weights.minmax, weights.rankScale);
  // Read once: weight objects built by spreading are slow to read in the loop below.
  const { file, words, history, commits, chunk, vector, extra, extraChunks, consensus } = weights;
  const absentChunk = (weights.chunkAbsent ?? 0) * v.lastLexical;
  const asked = askedOf(question, weights);
  const priors = Float64Array.from(ROLES, (role) =>
    !weights.priors ? 1 : role === 'source' || asked.has(role) ? 1 : weights.roles[role],
  );
  const factWeights = { activity: weights.activity, size: weights.size, recency: weights.recency };
  const evidenceWeights = {
    coverage: weights.coverage,
    span: weights.span,
    defines: weights.defines,
    declares: weights.declares,
  };
  const { present, wordsOn } = listsInPlay(question, weights);
  const n = question.paths.length;
  if (scratch.length < n) {
    scratch = new Float64Array(2 * n);
    fusedScratch = new Float64Array(2 * n);
    liftScratch = new Float64Array(2 * n);
  }
  const scores = scratch;
  const fusedOf = fusedScratch;
  for (let i = 0; i < n; i++) {
    if (!(question.member[i]! & present)) {
      fusedOf[i] = Number.NaN;
      continue;
    }
    fusedOf[i] =
      file * v.file[i]! +
      words * (wordsOn ? v.words[i]! : 0) +
      history * v.history[i]! +
      commits * v.commits[i]! +
      chunk *
        (chunk > 0 ? (question.member[i]! & IN_LEXICAL ? aggregate(v.chunk, i, extra, extraChunks) : absentChunk) : 0) +
      vector * (vector > 0 ? aggregate(v.vector, i, extra, extraChunks) : 0);
  }
  // As rankFiles: only for a question about code (no role named, no docs or tests lean).
  const lending = weights.cochange > 0 && weights.priors && !question.named && !asked.has('docs') && !asked.has('test');
  const lifts = lending ? cochangeLifts(question, fusedOf, priors, liftScratch) : null;
  // As rankFiles: the evidence term joins the fused value, its factor comes last.
  const scoreOf = (i: number, lift: number) => {
    const evidence = question.evidence[i];
    const value = fusedOf[i]! + lift;
    const raw = evidence ? value + evidenceTerm(evidence, evidenceWeights) : value;
    const base =
      consensusFactor(consensus > 0 ? bitCount(question.member[i]! & present) : 0, consensus) *
      (weights.priors ? raw * priors[question.role[i]!]! : raw);
    const withFactors = withFacts ? base * factsFactorOf(question.facts[i], factWeights) : base;
    return evidence ? withFactors * evidenceFactor(evidence, evidenceWeights) : withFactors;
  };
  // As rankFiles: a lifted file never passes the two ranked first without co-change (COCHANGE_GUARD), even if lifted.
  let [leader, second] = [-1, -1];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(fusedOf[i]!)) {
      scores[i] = Number.NaN;
      continue;
    }
    scores[i] = scoreOf(i, 0);
    if (leader < 0 || before(scores, question.paths, i, leader)) {
      second = leader;
      leader = i;
    } else if (second < 0 || before(scores, question.paths, i, second)) second = i;
  }
  const top = leader < 0 ? 0 : scores[leader]!;
  const next = second < 0 ? top : scores[second]!;
  if (lifts)
    for (let i = 0; i < n; i++) {
      const lift = weights.cochange * lifts[i]!;
      if (!(lift > 0) || Number.isNaN(fusedOf[i]!)) continue;
      const score = scoreOf(i, lift);
      const limit = i === leader ? Number.POSITIVE_INFINITY : i === second ? top : next;
      scores[i] = score >= limit ? limit * COCHANGE_CAP : score;
    }
  return cutRank(question, scores, v, chunk, vector);
}

/**
 * The roles a question asks for under `weights`, as rankFiles' askedRoles: the docs lean when
 * learned, and tests when the learned tests lean, less its margin, is positive.
 */
export function askedOf(
  question: PreparedQuestion,
  weights: Pick<FileRankWeights, 'learnedDocs' | 'learnedTests' | 'testsMargin'>,
): Set<PathRole> {
  const asked = weights.learnedDocs ? question.askedLearned : question.askedWords;
  const lean = learnedTestsLean(question.testsLean, weights);
  return lean !== null && lean > 0 && !asked.has('test') ? new Set([...asked, 'test']) : asked;
}

/** The lists a ranking under `weights` reads (as rankLists: words, history and commits only with a positive weight). */
export function listsInPlay(
  question: PreparedQuestion,
  weights: Pick<FileRankWeights, 'words' | 'wordsWhenAsked' | 'history' | 'commits' | 'chunk' | 'vector'>,
): { present: number; wordsOn: boolean } {
  const wordsOn = weights.words > 0 && (weights.wordsWhenAsked || !question.named);
  let present = IN_FILES;
  if (wordsOn) present |= IN_WORDS;
  if (weights.history > 0) present |= IN_HISTORY;
  if (weights.commits > 0) present |= IN_COMMITS;
  if (weights.chunk > 0) present |= IN_LEXICAL;
  if (weights.vector > 0) present |= IN_VECTOR;
  return { present, wordsOn };
}

/**
 * The rank of the first relevant file under per-file `scores` (NaN: not ranked), cut as /ai/search
 * fills its 20 hits with chunks weighted `chunk` and `vector` (0: not returned).
 */
export function cutRank(
  question: PreparedQuestion,
  scores: Float64Array,
  v: Scaling,
  chunk: number,
  vector: number,
): number {
  const n = question.paths.length;
  let target = -1;
  for (let i = 0; i < n; i++)
    if (question.relevant[i] && !Number.isNaN(scores[i]!) && (target < 0 || before(scores, question.paths, i, target)))
      target = i;
  if (target < 0) return 0;
  let hits = 0;
  let rank = 1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!) || !before(scores, question.paths, i, target)) continue;
    hits += fileHits(v.chunks[i]!, chunk, vector);
    rank++;
    if (hits >= SEARCH_K) return 0;
  }
  return rank;
}

export function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest; rest &= rest - 1) count++;
  return count;
}

/** rankFiles' order: higher score first, then the path. */
function before(scores: Float64Array, paths: string[], a: number, b: number): boolean {
  return scores[a]! > scores[b]! || (scores[a] === scores[b] && paths[a]! < paths[b]!);
}

/**
 * As cochangeTerms: the COCHANGE_FROM demoted files in play with the highest fused values each lend
 * their fused value to their partners; a partner keeps the most it is lent. Null when none lends.
 */
function cochangeLifts(
  question: PreparedQuestion,
  fused: Float64Array,
  priors: Float64Array,
  out: Float64Array,
): Float64Array | null {
  const n = question.paths.length;
  const lenders: number[] = [];
  for (let i = 0; i < n; i++) {
    const value = fused[i]!;
    if (!(value > 0) || !(priors[question.role[i]!]! < 1)) continue;
    lenders.push(i);
  }
  if (!lenders.length) return null;
  lenders.sort((a, b) => fused[b]! - fused[a]! || (question.paths[a]! < question.paths[b]! ? -1 : 1));
  out.fill(0, 0, n);
  for (const i of lenders.slice(0, COCHANGE_FROM))
    for (const [j] of question.partners[i] ?? []) if (j >= 0) out[j] = Math.max(out[j]!, fused[i]!);
  return out;
}
