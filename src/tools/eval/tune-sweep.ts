import type { FileRankWeights } from '../../code-index/ranking/files';
import { figures } from './metrics';
import { ROLE_CAP, roleRanks } from './tune-roles';
import { evaluate, type TuneRepo } from './tune-search';
import type { TuneParam } from './tune-space';

const f3 = (value: number) => value.toFixed(3);

/**
 * One parameter moved alone over its grid, everything else as `base` (in-sample: nothing is tuned):
 * per value, the code questions' mean R@5 / MRR over repositories beside the docs and tests
 * questions pooled over repositories and the objective's capped mean of the role sets.
 */
export function roleSweep(repos: TuneRepo[], base: FileRankWeights, param: TuneParam, facts: boolean): string {
  const lines = [
    `Sweep of ${param.name} alone (the rest as given; in-sample)\n  value  code R@5 MRR   | docs R@5 MRR   | tests R@5 MRR  | roles capped R@5 MRR`,
  ];
  for (const value of param.values) {
    const weights = param.set(base, value);
    const code = evaluate(repos, weights, facts).map((figure) => figure.search);
    const mean = (key: 'recall5' | 'mrr') => code.reduce((sum, f) => sum + f[key], 0) / Math.max(1, code.length);
    const docs: number[] = [];
    const tests: number[] = [];
    let capped = { recall5: 0, mrr: 0, weight: 0 };
    for (const repo of repos) {
      if (!repo.roles?.questions.length) continue;
      const ranks = roleRanks(repo.roles, weights, facts);
      for (const [i, rank] of ranks.entries()) (repo.roles.kinds[i] === 'tests' ? tests : docs).push(rank);
      const share = Math.min(ranks.length, ROLE_CAP);
      const figure = figures(ranks);
      capped = {
        recall5: capped.recall5 + share * figure.recall5,
        mrr: capped.mrr + share * figure.mrr,
        weight: capped.weight + share,
      };
    }
    const d = figures(docs);
    const t = figures(tests);
    const w = Math.max(1e-9, capped.weight);
    lines.push(
      `  ${String(value).padEnd(6)} ${f3(mean('recall5'))} ${f3(mean('mrr'))}    | ${f3(d.recall5)} ${f3(d.mrr)}    | ${f3(t.recall5)} ${f3(t.mrr)}    | ${f3(capped.recall5 / w)} ${f3(capped.mrr / w)}`,
    );
  }
  return lines.join('\n');
}
