/**
 * Per-term evidence about a candidate file for one question, beyond what its BM25 says: BM25 lets
 * one frequent term outweigh the others, these ask which of the question's terms the file holds at
 * all. Optional ranking features (FileRankWeights.coverage, .span, .defines, .declares); at weight 0
 * (the default) they change nothing. eval:tune reads all four from files written by eval:evidence;
 * a search computes only `declares`, and only when its weight is above 0 (declaresEvidence).
 */
export interface TermEvidence {
  /** IDF-weighted share of the question's distinct terms the file contains at all (0–1). */
  coverage: number;
  /** The same share within the file's best window of lines (0–1): terms that appear together. */
  span: number;
  /** Share of the question's identifiers (camelCase, snake_case, `x()`, backticked) the file declares (0–1). */
  defines: number;
  /** IDF-weighted share of the question's terms among the parts of the names the file declares (0–1). */
  declares: number;
}

export interface EvidenceWeights {
  /** A file keeps coverage^weight of its score. */
  coverage: number;
  /** A file keeps span^weight of its score. */
  span: number;
  /** Added to the file's fused value: weight × defines (a list's best counts 1). */
  defines: number;
  /** Added to the file's fused value: weight × declares. */
  declares: number;
}

/** What the evidence adds to a file's fused value before its role prior: exactly 0 when both weights are 0 or the evidence is unknown. */
export function evidenceTerm(evidence: TermEvidence | undefined, weights: EvidenceWeights): number {
  if (!evidence) return 0;
  let term = 0;
  if (weights.defines > 0) term += weights.defines * evidence.defines;
  if (weights.declares > 0) term += weights.declares * evidence.declares;
  return term;
}

/** Multiplier of a file's score from its evidence: exactly 1 when both weights are 0 or the evidence is unknown. */
export function evidenceFactor(evidence: TermEvidence | undefined, weights: EvidenceWeights): number {
  if (!evidence) return 1;
  let factor = 1;
  if (weights.coverage > 0) factor *= evidence.coverage ** weights.coverage;
  if (weights.span > 0) factor *= evidence.span ** weights.span;
  return factor;
}

/** FTS5 unicode61 tokens (tokenchars '_', as the words table reads): runs of letters, digits and `_`, diacritics folded, lower-cased. */
export function wordTokens(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '');
  return folded.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/** The terms of a MATCH expression as ftsQuery writes it (`"a" OR "b"`), each as its tokens (a term matches as a phrase). */
export function matchTerms(match: string | null): string[][] {
  if (!match) return [];
  return match
    .split(' OR ')
    .map((term) => wordTokens(term.slice(1, -1)))
    .filter((tokens) => tokens.length > 0);
}

/** BM25's idf of a term held by `df` of `n` documents (as FTS5 and the eval baseline compute it). */
export function idfOf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** The idf-weighted share of the terms whose every token is in `tokens` (0 when the terms weigh nothing). */
export function termShare(terms: { tokens: string[]; idf: number }[], tokens: Set<string>): number {
  let total = 0;
  let held = 0;
  for (const term of terms) {
    total += term.idf;
    if (term.tokens.every((token) => tokens.has(token))) held += term.idf;
  }
  return total > 0 ? held / total : 0;
}
