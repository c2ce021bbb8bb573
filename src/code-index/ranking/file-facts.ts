/**
 * What the index knows of a file beyond its words: its size and its change history before the
 * search's history cut-off. Optional ranking features (FileRankWeights.activity, .size, .recency)
 * read them; at weight 0 (the default) they change nothing, and production passes no facts yet.
 */
export interface FileFacts {
  /** Lines of the indexed text, or null if unknown. */
  lines: number | null;
  /** History commits that changed the file. */
  commits: number;
  /** Days between the file's newest change and the history's end (the cut-off, or now), or null. */
  ageDays: number | null;
}

/** Commits at which the activity prior saturates (log-scaled below it). */
export const ACTIVITY_SATURATION = 64;
/** Files up to this many lines keep their whole score under the size factor. */
export const SIZE_REFERENCE_LINES = 300;
/** Age in days at which the recency bonus halves. */
export const RECENCY_HALF_LIFE_DAYS = 180;

export interface FactWeights {
  /** A file changed by more commits gains up to this share of its score (bounded: log-scaled, saturating; negative: loses, at most 90%). */
  activity: number;
  /** A file over SIZE_REFERENCE_LINES keeps (reference / lines)^size of its score. */
  size: number;
  /** A recently changed file gains up to this share of its score (halving every RECENCY_HALF_LIFE_DAYS). */
  recency: number;
}

/** The parts of a file's facts the features read, each computed once per file. */
export interface FactTerms {
  /** log(1 + commits) scaled to 1 at ACTIVITY_SATURATION commits, at most 1. */
  activity: number;
  /** SIZE_REFERENCE_LINES / lines for a longer file, else null (no size penalty). */
  sizeRatio: number | null;
  /** 0.5^(age / RECENCY_HALF_LIFE_DAYS), or null when the age is unknown. */
  recency: number | null;
}

export function factTerms(facts: FileFacts): FactTerms {
  return {
    activity: Math.min(1, Math.log1p(facts.commits) / Math.log1p(ACTIVITY_SATURATION)),
    sizeRatio: facts.lines !== null && facts.lines > SIZE_REFERENCE_LINES ? SIZE_REFERENCE_LINES / facts.lines : null,
    recency: facts.ageDays !== null ? 0.5 ** (Math.max(0, facts.ageDays) / RECENCY_HALF_LIFE_DAYS) : null,
  };
}

/** Multiplier of a file's score from its fact terms: exactly 1 when every weight is 0 or the facts are unknown. */
export function factsFactorOf(terms: FactTerms | undefined, weights: FactWeights): number {
  if (!terms) return 1;
  let factor = 1;
  if (weights.activity !== 0) factor *= 1 + Math.max(-0.9, weights.activity) * terms.activity;
  if (weights.size > 0 && terms.sizeRatio !== null) factor *= terms.sizeRatio ** weights.size;
  if (weights.recency > 0 && terms.recency !== null) factor *= 1 + weights.recency * terms.recency;
  return factor;
}

export function factsFactor(facts: FileFacts | undefined, weights: FactWeights): number {
  return factsFactorOf(facts && factTerms(facts), weights);
}
