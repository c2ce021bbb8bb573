import type { FileRankWeights } from '../../code-index/ranking/files';
import type { LoadedDump } from './dump-rank';
import { fastRank, type PreparedQuestion, prepareQuestion } from './fast-rank';
import { figures, type RetrievalFigures } from './metrics';
import { type RoleSet, roleRanks, roleSet, roleSubset, roleTerm } from './tune-roles';
import { type Objective, objectiveValue, type TuneParam } from './tune-space';

/** One repository's questions, prepared once, with the baselines' ranks from its dump. */
export interface TuneRepo {
  name: string;
  questions: PreparedQuestion[];
  searchRanks: number[];
  bm25Ranks: number[];
  codeRanks: number[];
  /** Its docs and tests questions, only when the joint objective may read them (eval:tune --role-weight). */
  roles?: RoleSet;
}

export function tuneRepo(dump: LoadedDump): TuneRepo {
  return {
    name: dump.name,
    questions: dump.questions.map((question, i) =>
      prepareQuestion(question, dump.facts, dump.evidence?.[i], dump.partners),
    ),
    searchRanks: dump.questions.map((question) => question.searchRank),
    bm25Ranks: dump.questions.map((question) => question.bm25Rank),
    codeRanks: dump.questions.map((question) => question.codeBm25Rank),
  };
}

/** The repository with its docs and tests questions too (for the joint objective and the role tables). */
export function tuneRepoWithRoles(dump: LoadedDump): TuneRepo {
  return { ...tuneRepo(dump), roles: roleSet(dump) };
}

/** The same repository with only the questions `keep` accepts (by position; role questions by theirs). */
export function subset(repo: TuneRepo, keep: (index: number) => boolean): TuneRepo {
  const pick = <T>(items: T[]) => items.filter((_, i) => keep(i));
  return {
    name: repo.name,
    questions: pick(repo.questions),
    searchRanks: pick(repo.searchRanks),
    bm25Ranks: pick(repo.bm25Ranks),
    codeRanks: pick(repo.codeRanks),
    ...(repo.roles ? { roles: roleSubset(repo.roles, keep) } : {}),
  };
}

export interface TuneOptions {
  params: TuneParam[];
  objective: Objective;
  /** Whether file facts (activity, size, recency) are applied. */
  facts: boolean;
  /** Starting points, tried in order (coordinate ascent from each; the best end wins, the earlier on a tie). */
  starts: FileRankWeights[];
  maxSweeps: number;
}

export function ranksOf(repo: TuneRepo, weights: FileRankWeights, facts: boolean): number[] {
  return repo.questions.map((question) => fastRank(question, weights, facts));
}

/** Figures of a repository by weights (folds and restarts try many of the same settings). */
const evaluated = new WeakMap<TuneRepo, Map<string, RetrievalFigures>>();

export function evaluate(repos: TuneRepo[], weights: FileRankWeights, facts: boolean) {
  const key = `${facts}:${JSON.stringify(weights)}`;
  return repos.map((repo) => {
    const known = evaluated.get(repo) ?? new Map<string, RetrievalFigures>();
    evaluated.set(repo, known);
    const search = known.get(key) ?? figures(ranksOf(repo, weights, facts));
    known.set(key, search);
    return { search, code: figures(repo.codeRanks) };
  });
}

/**
 * What `tune` maximises: the code objective, plus `objective.roleWeight` × the role term (the
 * repositories' pooled docs and tests questions; tune-roles.ts). At weight 0 (or absent) the role
 * questions are not ranked at all.
 */
export function jointObjective(
  repos: TuneRepo[],
  weights: FileRankWeights,
  facts: boolean,
  objective: Objective,
): number {
  const code = objectiveValue(evaluate(repos, weights, facts), objective);
  if (!objective.roleWeight) return code;
  return (
    code +
    objective.roleWeight *
      roleTerm(
        repos.map((repo) => repo.roles),
        weights,
        facts,
        objective.measure,
      )
  );
}

/**
 * Deterministic coordinate ascent: for each parameter in turn, every value of its grid is tried with
 * the others fixed and the best kept (a change must gain; ties keep the current value), sweeping until
 * a sweep changes nothing or `maxSweeps` is reached.
 */
export function tune(repos: TuneRepo[], options: TuneOptions): { weights: FileRankWeights; objective: number } {
  const seen = new Map<string, number>();
  const value = (weights: FileRankWeights) => {
    const key = JSON.stringify(weights);
    let found = seen.get(key);
    if (found === undefined) {
      found = jointObjective(repos, weights, options.facts, options.objective);
      seen.set(key, found);
    }
    return found;
  };
  let best = { weights: options.starts[0]!, objective: Number.NEGATIVE_INFINITY };
  for (const start of options.starts) {
    let current = start;
    let currentValue = value(current);
    for (let sweep = 0; sweep < options.maxSweeps; sweep++) {
      let changed = false;
      for (const param of options.params)
        for (const candidate of param.values) {
          if (candidate === param.get(current)) continue;
          const next = param.set(current, candidate);
          const nextValue = value(next);
          if (nextValue > currentValue + 1e-12) {
            current = next;
            currentValue = nextValue;
            changed = true;
          }
        }
      if (!changed) break;
    }
    if (currentValue > best.objective + 1e-12) best = { weights: current, objective: currentValue };
  }
  return best;
}

export interface HeldOut {
  /** Per repository: figures of its questions ranked with weights tuned without them. */
  figures: { name: string; search: RetrievalFigures; ranks: number[]; roleRanks?: number[] }[];
  /** The weights each fold chose, by fold name. */
  folds: { name: string; weights: FileRankWeights }[];
}

/** Leave one repository out: tune on the others, rank the one left out. The left-out repository is never passed to `tune`. */
export function leaveOneRepositoryOut(repos: TuneRepo[], options: TuneOptions, tuneWith = tune): HeldOut {
  const out: HeldOut = { figures: [], folds: [] };
  for (const repo of repos) {
    const { weights } = tuneWith(
      repos.filter((other) => other !== repo),
      options,
    );
    const ranks = ranksOf(repo, weights, options.facts);
    const roles = repo.roles ? { roleRanks: roleRanks(repo.roles, weights, options.facts) } : {};
    out.figures.push({ name: repo.name, search: figures(ranks), ranks, ...roles });
    out.folds.push({ name: `without ${repo.name}`, weights });
  }
  return out;
}

/** Odd and even questions: tune on one half of every repository, rank the other half; each question is ranked once. */
export function splitByHalves(repos: TuneRepo[], options: TuneOptions, tuneWith = tune): HeldOut {
  const ranks = repos.map((repo) => repo.questions.map(() => 0));
  const roles = repos.map((repo) => repo.roles?.questions.map(() => 0));
  const folds: HeldOut['folds'] = [];
  for (const parity of [0, 1]) {
    const train = repos.map((repo) => subset(repo, (i) => i % 2 === parity));
    const { weights } = tuneWith(train, options);
    folds.push({ name: parity ? 'tuned on odd' : 'tuned on even', weights });
    for (const [r, repo] of repos.entries())
      for (const [i, question] of repo.questions.entries())
        if (i % 2 !== parity) ranks[r]![i] = fastRank(question, weights, options.facts);
    for (const [r, repo] of repos.entries())
      for (const [i, question] of (repo.roles?.questions ?? []).entries())
        if (i % 2 !== parity) roles[r]![i] = fastRank(question, weights, options.facts);
  }
  return {
    figures: repos.map((repo, r) => ({
      name: repo.name,
      search: figures(ranks[r]!),
      ranks: ranks[r]!,
      ...(roles[r] ? { roleRanks: roles[r] } : {}),
    })),
    folds,
  };
}
