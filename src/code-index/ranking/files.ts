import { COCHANGE_CAP, COCHANGE_GUARD, type CochangePartners, cochangeTerms } from './cochange';
import { factsFactor, type FactWeights, type FileFacts } from './file-facts';
import { askedRoles, pathPrior, ROLE_FACTORS, type RoleFactors } from './path-prior';
import type { Signal } from './rank';
import { type EvidenceWeights, evidenceFactor, evidenceTerm, type TermEvidence } from './term-evidence';

/** A chunk found by one signal, best first within its list. */
export interface ChunkCandidate {
  id: number;
  path: string;
  score: number;
}

/** A whole file found by the file-level lexical index (BM25 over path, symbols, summary, body). */
export interface FileCandidate {
  path: string;
  score: number;
}

export interface FileRankWeights extends FactWeights, EvidenceWeights {
  /** File-level BM25 (fields weighted inside the index). */
  file: number;
  /** Plain whole-file BM25 over code files' exact words and identifier parts (no stemming, no fields; FileIndex.words). */
  words: number;
  /** Keep the words signal when the question names tests, docs, … (files it does not hold). */
  wordsWhenAsked: boolean;
  /** BM25 over the file's history field (subjects of the commits that changed it). */
  history: number;
  /** Votes of the past commits most similar to the question, for the files they changed (PastCommits). */
  commits: number;
  /** How many similar past commits vote. */
  commitsTop: number;
  /** A commit's vote per file is its BM25 / (files it changed)^commitsAlpha. */
  commitsAlpha: number;
  /**
   * Co-change (cochange.ts): a source file gains this × the fused score of the best demoted test,
   * fixture or doc it is one of the most changed-with partners of, never past the two files ranked
   * first without it (COCHANGE_GUARD; 0: off, no lookup). 0.5, chosen leaving one repository out
   * (docs/search-quality.md, "co-change, guarding the first two").
   */
  cochange: number;
  /** Best lexical chunk of the file. */
  chunk: number;
  /** Best vector chunk of the file: set by the embedder's measured contribution. */
  vector: number;
  /** Share of a further matching chunk's score added to its file (bounded: at most `extraChunks` of them). */
  extra: number;
  extraChunks: number;
  /** Apply path priors (tests, docs, … below source). */
  priors: boolean;
  /** Share of its score a file of each role keeps unless the question asks for that role (path-prior.ts). */
  roles: RoleFactors;
  /** Whether a question asks for docs is learned from the history (else a word list says). */
  learnedDocs: boolean;
  /** Whether a question that sounds like the history's tests commits asks for tests (FileHistory.testsLean). */
  learnedTests: boolean;
  /** The tests lean must exceed this log-odds to ask for tests (0: any positive lean). */
  testsMargin: number;
  /** Scale each list min-max instead of by its best score (an ablation: the weakest candidate then counts 0). */
  minmax: boolean;
  /** Scale each list by rank instead of score when > 0: the n-th candidate counts (k + 1) / (k + n), k = rankScale (reciprocal-rank fusion, best = 1). */
  rankScale: number;
  /** Consensus: a file named by more of the candidate lists in play gains up to this share of its score (0: off). */
  consensus: number;
  /**
   * A file some list names but the lexical chunk list does not (it may lie just past the list's cut)
   * counts this share of the list's last scaled value as its chunk value (0 or absent: off).
   */
  chunkAbsent?: number;
  /** BM25 column weights of the file-level index: path, symbols, summary, body. */
  fileFields: [number, number, number, number];
  /** BM25 column weights of the chunk-level index: path, symbol, body. */
  chunkFields: [number, number, number];
}

/**
 * Tuned offline on the eight evaluation repositories (npm run eval:tune; held-out figures in
 * docs/search-quality.md, "Offline tuning"), on their code questions, except the docs factor in
 * `roles`, chosen on code and docs/tests questions together (--role-weight); wordsWhenAsked,
 * learnedDocs and learnedTests are held at what the product promises (a question naming tests gets
 * tests; docs-or-code and tests-or-code are learned from history), testsMargin chosen on code and
 * tests questions ("tests lean").
 */
export const DEFAULT_WEIGHTS: FileRankWeights = {
  file: 0.75,
  words: 1,
  wordsWhenAsked: false,
  history: 0.25,
  commits: 0.75,
  commitsTop: 50,
  commitsAlpha: 1,
  cochange: 0.5,
  chunk: 1,
  vector: 0.25,
  extra: 0.4,
  extraChunks: 1,
  priors: true,
  roles: ROLE_FACTORS,
  learnedDocs: true,
  learnedTests: true,
  // Chosen on playwright and pinia, checked on gin and scrapy (docs/search-quality.md, "tests lean"): at
  // 0 the lean cost code questions MRR on three of four repositories; from 5 on, none.
  testsMargin: 5,
  minmax: false,
  rankScale: 0,
  consensus: 0,
  activity: 0,
  size: 0,
  recency: 0,
  coverage: 0,
  span: 0,
  defines: 0,
  declares: 0,
  fileFields: [4, 2.5, 1.5, 1],
  chunkFields: [1, 3, 1],
};

/**
 * Weights for an embedder: the offline hashing embedder gets the vector weight its ablation
 * measured (docs/search-quality.md); model embedders keep the default until measured. `overrides`
 * (SEARCH_WEIGHTS) exist for evaluation runs.
 */
/** What SEARCH_WEIGHTS may override: any weight, and any role's factor. */
export type WeightOverrides = Partial<Omit<FileRankWeights, 'roles'>> & { roles?: Partial<RoleFactors> };

export function weightsFor(embedderId: string, overrides: WeightOverrides = {}): FileRankWeights {
  const base = embedderId.startsWith('local-hash')
    ? { ...DEFAULT_WEIGHTS, vector: LOCAL_HASH_VECTOR_WEIGHT }
    : DEFAULT_WEIGHTS;
  return { ...base, ...overrides, roles: { ...base.roles, ...overrides.roles } };
}

/** Measured: see the ablation in docs/search-quality.md. */
const LOCAL_HASH_VECTOR_WEIGHT = 0.1;

/** The tests lean as the weights use it: null when not learned, else less the margin (askedRoles asks for tests above 0). */
export function learnedTestsLean(
  testsLean: number | null | undefined,
  weights: Pick<FileRankWeights, 'learnedTests' | 'testsMargin'>,
): number | null {
  return weights.learnedTests && testsLean != null ? testsLean - (weights.testsMargin ?? 0) : null;
}

/** A file named by more of the lists in play gains up to `weight` (all six: the full share; one list: nothing). */
export function consensusFactor(lists: number, weight: number): number {
  return weight > 0 ? 1 + (weight * Math.max(0, lists - 1)) / 5 : 1;
}

export interface RankedFile {
  path: string;
  score: number;
  signals: Signal[];
  /** The file's matching chunks, best first (lexical and vector merged). */
  chunks: { id: number; score: number; signals: Signal[] }[];
}

/**
 * Scores divided by the best of their list (negatives count 0), so lists of different kinds can be
 * added while the gaps within a list (a BM25 twice as high) survive.
 */
export function scaled<T extends { score: number }>(list: T[], minmax = false, rankScale = 0): Map<T, number> {
  const out = new Map<T, number>();
  if (rankScale > 0) {
    for (const [index, item] of list.entries()) out.set(item, (rankScale + 1) / (rankScale + index + 1));
    return out;
  }
  const max = Math.max(0, ...list.map((item) => item.score));
  const min = minmax ? Math.min(max, ...list.map((item) => item.score)) : 0;
  for (const item of list) out.set(item, max > min ? Math.max(0, item.score - min) / (max - min) : max > 0 ? 1 : 0);
  return out;
}

/**
 * Rank files, not chunks: a file scores its file-level BM25, plus its best lexical chunk and its
 * best vector chunk (each with a bounded bonus for a few further matching chunks), all scaled
 * within their lists and weighted; then a path prior puts tests, benchmarks, examples, docs and
 * generated files below source unless the question asks for them.
 */
export function rankFiles(
  question: string,
  input: {
    files: FileCandidate[];
    words?: FileCandidate[];
    history?: FileCandidate[];
    commits?: FileCandidate[];
    lexical: ChunkCandidate[];
    vector: ChunkCandidate[];
    /** Facts about the files, for the activity, size and recency features (none: those features stay off). */
    facts?: (path: string) => FileFacts | undefined;
    /** Per-term evidence about each file for this question (none: the coverage, span, defines and declares features stay off). */
    evidence?: (path: string) => TermEvidence | undefined;
    /** Files changed together with the given ones in past commits (none: the co-change term stays off). */
    partners?: CochangePartners;
  },
  weights: FileRankWeights = DEFAULT_WEIGHTS,
  /** How much the question sounds like the repository's docs commits (FileHistory.docsLean), or null. */
  docsLean: number | null = null,
  /** How much it sounds like the repository's tests commits (FileHistory.testsLean), or null. */
  testsLean: number | null = null,
): RankedFile[] {
  const entries = new Map<
    string,
    {
      file: number;
      words: number;
      history: number;
      commits: number;
      chunk: number[];
      vector: number[];
      signals: Set<Signal>;
      /** How many of the lists in play named the file. */
      lists: number;
      chunks: Map<number, { id: number; score: number; signals: Set<Signal> }>;
    }
  >();
  const entry = (path: string) => {
    const found = entries.get(path) ?? {
      file: 0,
      words: 0,
      history: 0,
      commits: 0,
      chunk: [],
      vector: [],
      signals: new Set<Signal>(),
      lists: 0,
      chunks: new Map(),
    };
    entries.set(path, found);
    return found;
  };
  // Each list in play counts once per file it names (for the consensus factor).
  const counted = (paths: Iterable<string>) => {
    if (weights.consensus > 0) for (const path of new Set(paths)) entry(path).lists++;
  };
  counted(input.files.map((c) => c.path));
  for (const [candidate, value] of scaled(input.files, weights.minmax, weights.rankScale)) {
    const e = entry(candidate.path);
    e.file = Math.max(e.file, value);
    e.signals.add('lexical');
  }
  const asked = askedRoles(question, weights.learnedDocs ? docsLean : null, learnedTestsLean(testsLean, weights));
  // The words table holds code only: a question that names tests, docs, … is left to the fielded
  // signal (a lean learned from history does not count: measured, it cost recall on code questions).
  const named = [...askedRoles(question)].some((role) => role !== 'generated');
  if (weights.words > 0 && (weights.wordsWhenAsked || !named)) {
    counted((input.words ?? []).map((c) => c.path));
    for (const [candidate, value] of scaled(input.words ?? [], weights.minmax, weights.rankScale)) {
      const e = entry(candidate.path);
      e.words = Math.max(e.words, value);
      e.signals.add('lexical');
    }
  }
  counted((input.history ?? []).map((c) => c.path));
  for (const [candidate, value] of scaled(input.history ?? [], weights.minmax, weights.rankScale)) {
    const e = entry(candidate.path);
    e.history = Math.max(e.history, value);
    e.signals.add('history');
  }
  counted((input.commits ?? []).map((c) => c.path));
  for (const [candidate, value] of scaled(input.commits ?? [], weights.minmax, weights.rankScale)) {
    const e = entry(candidate.path);
    e.commits = Math.max(e.commits, value);
    e.signals.add('history');
  }
  for (const [signal, list] of [
    ['lexical', input.lexical],
    ['vector', input.vector],
  ] as const) {
    const weight = signal === 'lexical' ? weights.chunk : weights.vector;
    if (weight <= 0) continue;
    counted(list.map((c) => c.path));
    for (const [candidate, value] of scaled(list, weights.minmax, weights.rankScale)) {
      const e = entry(candidate.path);
      (signal === 'lexical' ? e.chunk : e.vector).push(value);
      e.signals.add(signal);
      const chunk = e.chunks.get(candidate.id) ?? { id: candidate.id, score: 0, signals: new Set<Signal>() };
      chunk.score += weight * value;
      chunk.signals.add(signal);
      e.chunks.set(candidate.id, chunk);
    }
  }
  // What a file the lexical chunk list left out counts: a share of the list's last scaled value
  // (off by default: the list is not scaled a second time on every search).
  const absentShare = weights.chunkAbsent ?? 0;
  const lexical = absentShare > 0 ? [...scaled(input.lexical, weights.minmax, weights.rankScale).values()] : [];
  const absentChunk = absentShare * (lexical.length ? lexical[lexical.length - 1]! : 0);
  const aggregate = (values: number[]) => {
    const sorted = [...values].sort((a, b) => b - a);
    const extra = sorted.slice(1, 1 + weights.extraChunks).reduce((sum, value) => sum + value, 0);
    return (sorted[0] ?? 0) + weights.extra * extra;
  };
  const fused = new Map<string, number>();
  for (const [path, e] of entries)
    fused.set(
      path,
      weights.file * e.file +
        weights.words * e.words +
        weights.history * e.history +
        weights.commits * e.commits +
        weights.chunk * (e.chunk.length ? aggregate(e.chunk) : absentChunk) +
        weights.vector * aggregate(e.vector),
    );
  // Only for a question about code: one asking for docs or tests wants them, not the code they go with.
  const lifts =
    weights.cochange > 0 && weights.priors && input.partners && !named && !asked.has('docs') && !asked.has('test')
      ? cochangeTerms(fused, (path) => pathPrior(path, asked, weights.roles) < 1, input.partners)
      : undefined;
  const scoreOf = (path: string, lists: number, lift: number) => {
    const evidence = input.evidence?.(path);
    const value = fused.get(path)! + lift;
    const raw = evidence ? value + evidenceTerm(evidence, weights) : value;
    const prior =
      consensusFactor(lists, weights.consensus) * (weights.priors ? raw * pathPrior(path, asked, weights.roles) : raw);
    const withFacts = input.facts ? prior * factsFactor(input.facts(path), weights) : prior;
    return evidence ? withFacts * evidenceFactor(evidence, weights) : withFacts;
  };
  const ranked: RankedFile[] = [];
  // The files ranked first without co-change (COCHANGE_GUARD of them): a lifted file may come close, never pass.
  const guard: { path: string; score: number }[] = [];
  const lifted = new Set<RankedFile>();
  for (const [path, e] of entries) {
    const score = scoreOf(path, e.lists, 0);
    const at = guard.findIndex((g) => score > g.score || (score === g.score && path < g.path));
    if (at >= 0 || guard.length < COCHANGE_GUARD) {
      guard.splice(at >= 0 ? at : guard.length, 0, { path, score });
      guard.length = Math.min(guard.length, COCHANGE_GUARD);
    }
    const lift = weights.cochange * (lifts?.get(path) ?? 0);
    const file: RankedFile = {
      path,
      score: lift > 0 ? scoreOf(path, e.lists, lift) : score,
      signals: [...e.signals].sort(),
      chunks: [...e.chunks.values()]
        .sort((a, b) => b.score - a.score || a.id - b.id)
        .map((c) => ({ id: c.id, score: c.score, signals: [...c.signals].sort() })),
    };
    if (lift > 0) lifted.add(file);
    ranked.push(file);
  }
  for (const file of lifted) {
    const at = guard.findIndex((g) => g.path === file.path);
    const limit = at === 0 ? undefined : guard[at > 0 ? at - 1 : guard.length - 1];
    if (limit && file.score >= limit.score) file.score = limit.score * COCHANGE_CAP;
  }
  return ranked.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
}
