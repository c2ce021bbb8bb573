import type { FileRankWeights } from '../../code-index/ranking/files';
import { FEATURE_NAMES, type LtrModel, type LtrQuestion, ltrQuestion, modelRank } from './ltr-features';
import { type LinearModel, trainLinear } from './ltr-linear';
import { type TreesModel, trainTrees } from './ltr-trees';
import { figures, type RetrievalFigures } from './metrics';
import type { HeldOut, TuneRepo } from './tune-search';

/**
 * Held-out evaluation of a learned ranker over the same prepared questions, baselines and cut as
 * the linear tuner: leave one repository out, odd/even questions, and (labelled so) in-sample.
 */
export type Learner = (train: LtrQuestion[]) => LtrModel;

export const LEARNERS: Record<string, Learner> = {
  linear: (train) => trainLinear(train),
  trees: (train) => trainTrees(train),
};

export interface LtrRepo {
  name: string;
  questions: LtrQuestion[];
}

/** `weights`: which lists are in play (a candidate comes from one of them) and how /ai/search cuts its hits. */
export function ltrRepo(repo: TuneRepo, weights: FileRankWeights): LtrRepo {
  return { name: repo.name, questions: repo.questions.map((question) => ltrQuestion(question, weights)) };
}

export type LearnedFigures = Pick<HeldOut, 'figures'>;

function ranked(repo: LtrRepo, model: LtrModel, weights: FileRankWeights, keep: (i: number) => boolean) {
  return repo.questions.map((question, i) => (keep(i) ? modelRank(model, question, weights) : -1));
}

/** Trained on every question of every repository, ranked on the same questions: in-sample, an upper bound. */
export function learnInSample(
  repos: LtrRepo[],
  learn: Learner,
  weights: FileRankWeights,
): LearnedFigures & { model: LtrModel } {
  const model = learn(repos.flatMap((repo) => repo.questions));
  return {
    model,
    figures: repos.map((repo) => {
      const ranks = ranked(repo, model, weights, () => true);
      return { name: repo.name, search: figures(ranks), ranks };
    }),
  };
}

/** Each repository ranked by a model trained on the others' questions only. */
export function learnLeaveOneOut(repos: LtrRepo[], learn: Learner, weights: FileRankWeights): LearnedFigures {
  return {
    figures: repos.map((repo) => {
      const model = learn(repos.filter((other) => other !== repo).flatMap((other) => other.questions));
      const ranks = ranked(repo, model, weights, () => true);
      return { name: repo.name, search: figures(ranks), ranks };
    }),
  };
}

/** Odd questions of every repository ranked by a model trained on the even ones, and the reverse. */
export function learnHalves(repos: LtrRepo[], learn: Learner, weights: FileRankWeights): LearnedFigures {
  const ranks = repos.map((repo) => repo.questions.map(() => 0));
  for (const parity of [0, 1]) {
    const model = learn(repos.flatMap((repo) => repo.questions.filter((_, i) => i % 2 === parity)));
    for (const [r, repo] of repos.entries())
      for (const [i, rank] of ranked(repo, model, weights, (i) => i % 2 !== parity).entries())
        if (rank >= 0) ranks[r]![i] = rank;
  }
  return {
    figures: repos.map((repo, r) => ({ name: repo.name, search: figures(ranks[r]!), ranks: ranks[r]! })),
  };
}

const inTop5 = (rank: number) => rank >= 1 && rank <= 5;
const f3 = (value: number) => value.toFixed(3);
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;

/** Whether a model earns shipping over the linear held-out figures: the rule the brief sets. */
export interface Verdict {
  gainR5: number;
  gainMrr: number;
  /** Per repository: questions in the linear top 5 and not the model's, and the net change of the top-5 count. */
  lost: { name: string; lost: number; net: number }[];
  earns: boolean;
}

export function verdict(linear: LearnedFigures, model: LearnedFigures): Verdict {
  const mean = (held: LearnedFigures, key: keyof RetrievalFigures) =>
    held.figures.reduce((sum, f) => sum + f.search[key], 0) / Math.max(1, held.figures.length);
  const gainR5 = mean(model, 'recall5') - mean(linear, 'recall5');
  const gainMrr = mean(model, 'mrr') - mean(linear, 'mrr');
  const lost = model.figures.map((f, r) => {
    const before = linear.figures[r]!.ranks;
    return {
      name: f.name,
      lost: f.ranks.filter((rank, i) => inTop5(before[i]!) && !inTop5(rank)).length,
      net: f.ranks.filter(inTop5).length - before.filter(inTop5).length,
    };
  });
  return { gainR5, gainMrr, lost, earns: gainR5 >= 0.01 - 1e-9 && gainMrr >= -1e-9 && lost.every((l) => l.net >= -1) };
}

/** Per repository: the linear held-out figures beside the model's, the top-5 questions it loses and its net change. */
export function comparisonTable(title: string, linear: LearnedFigures, model: LearnedFigures): string {
  const v = verdict(linear, model);
  const lines = [
    title,
    `  ${'repository'.padEnd(14)} linear R@5 MRR   | model R@5 MRR    | ΔR@5   ΔMRR   | top-5 lost net`,
  ];
  for (const [r, f] of model.figures.entries()) {
    const l = linear.figures[r]!.search;
    const { lost, net } = v.lost[r]!;
    lines.push(
      `  ${f.name.padEnd(14)} ${f3(l.recall5)} ${f3(l.mrr)}       | ${f3(f.search.recall5)} ${f3(f.search.mrr)}      | ${signed(f.search.recall5 - l.recall5)} ${signed(f.search.mrr - l.mrr)} | ${String(lost).padStart(4)} ${net >= 0 ? '+' : ''}${net}`,
    );
  }
  lines.push(
    `  mean ΔR@5 ${signed(v.gainR5)}, ΔMRR ${signed(v.gainMrr)}; earns shipping (≥ +0.010 R@5, MRR not lower, no repository net −2 or worse in its top 5): ${v.earns ? 'yes' : 'no'}`,
  );
  return lines.join('\n');
}

/** What a model trained on everything leans on: linear weights by size (per feature standard deviation), or how often trees split on each feature. */
export function modelSummary(model: LtrModel, questions: LtrQuestion[]): string {
  if ('weights' in model) {
    const weights = (model as LinearModel).weights;
    const spread = FEATURE_NAMES.map((_, f) => {
      const values = questions.flatMap((q) => Array.from(q.candidates, (_, r) => q.x[r * FEATURE_NAMES.length + f]!));
      const mean = values.reduce((sum, x) => sum + x, 0) / Math.max(1, values.length);
      return Math.sqrt(values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / Math.max(1, values.length));
    });
    return FEATURE_NAMES.map((name, f) => ({ name, effect: weights[f]! * spread[f]! }))
      .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
      .map((e) => `${e.name} ${signed(e.effect)}`)
      .join(', ');
  }
  const uses = new Map<string, number>();
  for (const tree of (model as TreesModel).trees)
    for (const feature of tree.feature)
      if (feature >= 0) uses.set(FEATURE_NAMES[feature]!, (uses.get(FEATURE_NAMES[feature]!) ?? 0) + 1);
  return [...uses.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

/**
 * The report of eval:tune --learn: the model in-sample (labelled so), then left out by repository and
 * by odd/even questions, each beside the linear tuner's held-out figures of the same split.
 */
export function learnedReport(
  repos: TuneRepo[],
  learner: string,
  weights: FileRankWeights,
  linear: { leaveOneOut: LearnedFigures; halves: LearnedFigures },
  table: (title: string, figures: RetrievalFigures[]) => string,
): string {
  const learn = LEARNERS[learner];
  if (!learn) throw new Error(`unknown learner ${learner} (linear or trees)`);
  for (const held of [linear.leaveOneOut, linear.halves])
    if (held.figures.map((f) => f.name).join() !== repos.map((repo) => repo.name).join())
      throw new Error('the linear held-out figures name other repositories than the dumps');
  const data = repos.map((repo) => ltrRepo(repo, weights));
  const rows = data.reduce((sum, repo) => sum + repo.questions.reduce((n, q) => n + q.candidates.length, 0), 0);
  const out = [
    `Learned ranker (${learner}) over ${FEATURE_NAMES.length} features of ${rows} candidate files; hits cut with chunk ${weights.chunk}, vector ${weights.vector}`,
  ];
  const searches = (held: LearnedFigures) => held.figures.map((f) => f.search);
  const inSample = learnInSample(data, learn, weights);
  out.push(
    `  trained on all (what it leans on): ${modelSummary(
      inSample.model,
      data.flatMap((repo) => repo.questions),
    )}`,
  );
  out.push(
    `\n${table(`(e) ${learner}, trained on all ${repos.length} (IN-SAMPLE: not a held-out figure)`, searches(inSample))}`,
  );
  for (const [name, held, against] of [
    ['leave one repository out', learnLeaveOneOut(data, learn, weights), linear.leaveOneOut],
    ['odd/even questions', learnHalves(data, learn, weights), linear.halves],
  ] as const) {
    out.push(`\n${table(`(f) ${learner}, held out: ${name}`, searches(held))}`);
    out.push(comparisonTable(`  against the linear tuner held out the same way (${name}):`, against, held));
  }
  return out.join('\n');
}
