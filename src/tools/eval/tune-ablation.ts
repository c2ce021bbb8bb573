import { figures, type RetrievalFigures } from './metrics';
import { type HeldOut, leaveOneRepositoryOut, splitByHalves, type TuneOptions, type TuneRepo } from './tune-search';
import type { FileRankWeights } from '../../code-index/ranking/files';
import { FACT_FEATURES, FEATURE_PARAMS, startingPoints } from './tune-space';

/** The spaces an ablation compares: the base weights alone, then with each new feature, then with all file facts. */
export const ABLATION_SPACES: { name: string; features: string[] }[] = [
  { name: 'base', features: [] },
  { name: '+activity', features: ['activity'] },
  { name: '+size', features: ['size'] },
  { name: '+recency', features: ['recency'] },
  { name: '+rankScale', features: ['rankScale'] },
  { name: '+consensus', features: ['consensus'] },
  { name: '+chunkAbsent', features: ['chunkAbsent'] },
  { name: '+activity+size+recency', features: ['activity', 'size', 'recency'] },
  { name: '+coverage', features: ['coverage'] },
  { name: '+span', features: ['span'] },
  { name: '+defines', features: ['defines'] },
  { name: '+declares', features: ['declares'] },
  { name: '+coverage+span+defines+declares', features: ['coverage', 'span', 'defines', 'declares'] },
];

/** Held-out figures for a space: leave one repository out, or odd/even questions with a single repository. */
export function heldOutFigures(repos: TuneRepo[], options: TuneOptions): HeldOut {
  return repos.length > 1 ? leaveOneRepositoryOut(repos, options) : splitByHalves(repos, options);
}

/**
 * One held-out run per space (those touching a feature in `options.params`, all when it names none),
 * over the base weights `options.params` names, everything else equal; a line each: mean held-out R@1, R@5, MRR, the
 * repositories at BM25-code-files + margin R@5, and the features' values in each fold.
 */
export function ablation(
  repos: TuneRepo[],
  base: FileRankWeights,
  options: Omit<TuneOptions, 'facts' | 'starts'>,
): string {
  const features = Object.values(FEATURE_PARAMS);
  const baseParams = options.params.filter((param) => !features.includes(param));
  const asked = options.params.filter((param) => features.includes(param)).map((param) => param.name);
  const spaces = ABLATION_SPACES.filter(
    (space) => !asked.length || !space.features.length || space.features.some((name) => asked.includes(name)),
  );
  const lines = [
    `Held-out ablation (${repos.length > 1 ? 'leave one repository out' : 'odd/even questions'}):`,
    `  ${'space'.padEnd(24)} R@1   R@5   MRR   | at bar | feature values per fold`,
  ];
  for (const space of spaces) {
    const params = [...baseParams, ...space.features.map((name) => FEATURE_PARAMS[name]!)];
    const held = heldOutFigures(repos, {
      ...options,
      params,
      starts: startingPoints(base, params),
      facts: space.features.some((name) => FACT_FEATURES.includes(name)),
    });
    const mean = (key: keyof RetrievalFigures) =>
      held.figures.reduce((sum, f) => sum + f.search[key], 0) / Math.max(1, held.figures.length);
    const atBar = held.figures.filter(
      (f, i) => f.search.recall5 >= figures(repos[i]!.codeRanks).recall5 + options.objective.margin - 1e-9,
    ).length;
    const values = space.features
      .map((name) => `${name} ${held.folds.map((fold) => String(fold.weights[name as 'activity'])).join('/')}`)
      .join('; ');
    lines.push(
      `  ${space.name.padEnd(24)} ${mean('recall1').toFixed(3)} ${mean('recall5').toFixed(3)} ${mean('mrr').toFixed(3)} | ${atBar}/${repos.length}    | ${values}`,
    );
  }
  return lines.join('\n');
}
