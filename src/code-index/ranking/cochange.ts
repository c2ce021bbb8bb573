import { pathRole } from './path-prior';

/**
 * Co-change: a test, fixture or doc the path prior demotes still says where the answer is, since past
 * commits changed it together with the code it exercises. The few demoted candidates with the
 * highest fused scores each lend their score to the source files most bound to them (the share
 * orders partners; measured, scaling the loan by it lost to lending whole).
 * Measured offline first (docs/search-quality.md, "co-change").
 */

/** Per asked path, the files changed with it in walked commits, most bound first (FileHistory.partners). */
export type CochangePartners = (paths: string[]) => Map<string, readonly { path: string; share: number }[]>;

/** Demoted candidates that lend their score (the highest fused first). */
export const COCHANGE_FROM = 3;
/** Source partners each of them lends to (the most bound first). */
export const COCHANGE_PARTNERS = 3;

/**
 * A lifted file never passes the COCHANGE_GUARD files ranked first without co-change: it stops at
 * COCHANGE_CAP of the lowest of them ranked above it (lifting past the first alone cost MRR, a
 * correct second file pushed down; past the first two kept it: docs/search-quality.md, "co-change").
 */
export const COCHANGE_GUARD = 2;
export const COCHANGE_CAP = 0.999;

/**
 * What each source partner gains before its weight: the highest fused score among the lenders it
 * is one of the COCHANGE_PARTNERS most bound partners of. `fused`: the candidates' fused values
 * before the prior; `demoted`: whether the prior lowers a path for this question.
 */
export function cochangeTerms(
  fused: Iterable<[path: string, value: number]>,
  demoted: (path: string) => boolean,
  partners: CochangePartners,
): Map<string, number> {
  const lenders = [...fused]
    .filter(([path, value]) => value > 0 && demoted(path))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, COCHANGE_FROM);
  const terms = new Map<string, number>();
  if (!lenders.length) return terms;
  const found = partners(lenders.map(([path]) => path));
  for (const [path, value] of lenders) {
    const chosen = (found.get(path) ?? []).filter((p) => pathRole(p.path) === 'source').slice(0, COCHANGE_PARTNERS);
    for (const partner of chosen) terms.set(partner.path, Math.max(terms.get(partner.path) ?? 0, value));
  }
  return terms;
}
