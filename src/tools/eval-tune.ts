import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SearchWeightsSchema } from '../code-index/config';
import { UsageError } from './cli-options';
import type { FileRankWeights, WeightOverrides } from '../code-index/ranking/files';
import { checkFaithfulness, rankDumpQuestion, readDumps, withOverrides } from './eval/dump-rank';
import { fastRank, prepareQuestion } from './eval/fast-rank';
import { figures } from './eval/metrics';
import { explainMisses } from './eval/tune-explain';
import { LEARNERS, learnedReport } from './eval/ltr-eval';
import { figuresTable, foldVariation, roleFiguresTable } from './eval/tune-report';
import { ablation } from './eval/tune-ablation';
import { roleRanks, roleTable } from './eval/tune-roles';
import { roleSweep } from './eval/tune-sweep';
import {
  evaluate,
  type HeldOut,
  leaveOneRepositoryOut,
  splitByHalves,
  tune,
  type TuneOptions,
  type TuneRepo,
  tuneRepo,
  tuneRepoWithRoles,
} from './eval/tune-search';
import {
  BASE_PARAMS,
  DEFAULT_OBJECTIVE,
  EVIDENCE_FEATURES,
  FACT_FEATURES,
  FEATURE_PARAMS,
  type Objective,
  overridesFrom,
  startingPoints,
} from './eval/tune-space';

const USAGE = `npm run eval:tune -- --dumps <dir> [--repos a,b] [--weights '<SEARCH_WEIGHTS json>'] [--features activity,size,recency,rankScale,consensus,coverage,span,defines,declares] [--params chunk,vector,…]
  [--extra-features <dir>]: per-term evidence of the dumps' candidates (npm run eval:evidence), for coverage, span, defines, declares
  [--objective r5+mrr|r5|mrr] [--penalty 2] [--margin 0.05] [--sweeps 4] [--figures-only] [--no-held-out] [--halves] [--ablate] [--out <file.json>]
  [--learn linear|trees [--against <earlier --out file.json>]]: a learned ranker over the lists' evidence, in-sample and held out beside the linear tuner's held-out figures (tuned now, or read from --against)
  [--role-weight <w>]: tune on the code objective + w × the docs and tests questions' R@5 + MRR (pooled per repository; each weighs min(n, 30)), role figures printed beside the code figures, held out too
  [--sweep roles.docs,roles.test]: each parameter alone over its grid, the rest as given: code and role figures (in-sample)
  [--explain]: with the dumps' weights (and any --weights), the questions BM25 over code files has in its top 5 and the search not, taken apart signal by signal`;

/** The command line, checked: an unknown option or a missing value is a usage error, not a stack trace. */
function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        dumps: { type: 'string' },
        repos: { type: 'string' },
        weights: { type: 'string' },
        features: { type: 'string' },
        params: { type: 'string' },
        objective: { type: 'string' },
        penalty: { type: 'string' },
        margin: { type: 'string' },
        sweeps: { type: 'string' },
        'figures-only': { type: 'boolean' },
        'no-held-out': { type: 'boolean' },
        halves: { type: 'boolean' },
        ablate: { type: 'boolean' },
        out: { type: 'string' },
        explain: { type: 'boolean' },
        'extra-features': { type: 'string' },
        learn: { type: 'string' },
        against: { type: 'string' },
        'role-weight': { type: 'string' },
        sweep: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

/**
 * Offline tuning of the file ranking from eval:search dumps (--dump): checks that rankFiles with each
 * dump's weights reproduces the ranks /ai/search gave, prints figures for any weights beside the BM25
 * baselines, tunes the weights inside rankFiles by deterministic coordinate ascent (on all
 * repositories, then leaving each repository out in turn: the held-out figures are the honest
 * ones), and with --ablate compares the held-out figures with and without each new feature (file
 * facts, rank scaling). Only code questions enter the figures and the objective; a dump's docs and tests
 * questions (`kind`) are printed apart, as recorded and with the weights printed or tuned.
 */
export function run(argv = process.argv.slice(2)): void {
  const { values } = parseOptions(argv);
  if (values.help) return void console.log(USAGE);
  if (!values.dumps) throw new UsageError(`--dumps is required\n${USAGE}`);
  if (values.learn && !LEARNERS[values.learn]) throw new UsageError(`unknown learner ${values.learn}\n${USAGE}`);
  const dumps = readDumps(values.dumps, values.repos?.split(','), values['extra-features']);
  if (!dumps.length) throw new UsageError(`no dump in ${values.dumps}`);
  const overrides = values.weights ? (SearchWeightsSchema.parse(JSON.parse(values.weights)) as WeightOverrides) : {};
  if (values.explain) {
    console.log(explainMisses(dumps, overrides));
    return;
  }
  const objective: Objective = {
    measure: (values.objective ?? DEFAULT_OBJECTIVE.measure) as Objective['measure'],
    penalty: Number(values.penalty ?? DEFAULT_OBJECTIVE.penalty),
    margin: Number(values.margin ?? DEFAULT_OBJECTIVE.margin),
  };
  if (!['r5+mrr', 'r5', 'mrr'].includes(objective.measure)) throw new UsageError(`unknown --objective\n${USAGE}`);
  if (values['role-weight'] !== undefined) {
    objective.roleWeight = Number(values['role-weight']);
    if (!(objective.roleWeight >= 0)) throw new UsageError(`--role-weight takes a number ≥ 0\n${USAGE}`);
  }
  const swept = values.sweep?.split(',').map((name) => BASE_PARAMS.find((p) => p.name === name));
  if (swept?.some((param) => !param)) throw new UsageError(`unknown --sweep parameter\n${USAGE}`);
  // Role questions are prepared only when asked for: without these options the output is as before.
  const withRoles = objective.roleWeight !== undefined || swept !== undefined;
  const features = values.features ? values.features.split(',') : [];
  for (const name of features) if (!FEATURE_PARAMS[name]) throw new UsageError(`unknown feature ${name}\n${USAGE}`);
  if (!values['extra-features'] && features.some((name) => EVIDENCE_FEATURES.includes(name)))
    throw new UsageError(
      `--features ${features.join(',')} reads per-term evidence: give --extra-features <dir>\n${USAGE}`,
    );
  // --params: tune only these base weights (a smaller change to ship), plus any --features.
  const only = values.params?.split(',');
  for (const name of only ?? [])
    if (!BASE_PARAMS.some((p) => p.name === name)) throw new UsageError(`unknown parameter ${name}\n${USAGE}`);
  const params = [
    ...BASE_PARAMS.filter((param) => !only || only.includes(param.name)),
    ...features.map((name) => FEATURE_PARAMS[name]!),
  ];

  console.log(
    "Faithfulness: rankFiles with each dump's weights, cut as /ai/search fills 20 hits, against searchRank and returnedFiles",
  );
  for (const dump of dumps) {
    const check = checkFaithfulness(dump);
    const fast = dump.questions.filter(
      (question) =>
        fastRank(prepareQuestion(question, undefined, undefined, dump.partners), dump.weights) ===
        rankDumpQuestion(question, dump.weights, undefined, undefined, dump.partners).rank,
    ).length;
    const roleAgree = dump.roleQuestions.filter(
      (question) =>
        fastRank(prepareQuestion(question, undefined, undefined, dump.partners), dump.weights) ===
        rankDumpQuestion(question, dump.weights, undefined, undefined, dump.partners).rank,
    ).length;
    const roleCheck = withRoles ? `; on its ${dump.roleQuestions.length} role questions ${roleAgree}` : '';
    console.log(
      `  ${dump.name}: ${check.reproduced}/${check.questions} reproduced; fast scorer agrees with rankFiles on ${fast}/${check.questions}${roleCheck}`,
    );
    for (const miss of check.mismatches)
      console.log(
        `    mismatch: "${miss.query}" recorded rank ${miss.searchRank} of ${miss.returnedFiles} files, re-ranked ${miss.rank} of ${miss.returned}`,
      );
  }

  const repos = dumps.map((dump) => (withRoles ? tuneRepoWithRoles(dump) : tuneRepo(dump)));
  const base = withOverrides(dumps[0]!.weights, overrides);
  // File facts apply when a fact feature is tuned or the given weights already use one.
  const facts = FACT_FEATURES.some((name) => features.includes(name) || base[name as 'activity'] !== 0);
  if (dumps.some((dump) => JSON.stringify(dump.weights) !== JSON.stringify(dumps[0]!.weights)))
    console.log(`  note: the dumps' weights differ; the tuner starts from ${dumps[0]!.name}'s`);
  const table = (title: string, weights: FileRankWeights) =>
    figuresTable(
      title,
      repos,
      evaluate(repos, weights, facts).map((figure) => figure.search),
      objective.margin,
    );
  console.log(
    `\n${figuresTable(
      "(a) as recorded (the dumps' searchRank)",
      repos,
      repos.map((repo) => figures(repo.searchRanks)),
      objective.margin,
    )}`,
  );
  // Docs and tests questions (eval:search's role sets) are reported apart: the objective reads code questions only.
  const roles = (title: string, weights?: FileRankWeights) => {
    const text = roleFiguresTable(
      `${title}; docs and tests questions, not in the objective`,
      dumps,
      weights &&
        ((dump, question) =>
          rankDumpQuestion(question, weights, facts ? dump.facts : undefined, undefined, dump.partners).rank),
    );
    if (text) console.log(`\n${text}`);
  };
  roles("(a) as recorded (the dumps' searchRank)");
  // With role questions in play: the role sets by the given weights, beside their baselines, then held out below.
  const roleFigures = (title: string, ranksOf: (repo: TuneRepo, index: number) => number[]) => {
    if (!withRoles) return;
    const rows = repos.flatMap((repo, i) =>
      repo.roles ? [{ name: repo.name, set: repo.roles, ranks: ranksOf(repo, i) }] : [],
    );
    console.log(`\n${roleTable(title, rows)}`);
  };
  roleFigures("with the dumps' weights (and any --weights): docs and tests questions", (repo) =>
    roleRanks(repo.roles!, base, facts),
  );
  if (swept) {
    for (const param of swept) console.log(`\n${roleSweep(repos, base, param!, facts)}`);
    return;
  }
  if (values.weights) {
    console.log(`\n${table(`with --weights ${values.weights}`, base)}`);
    roles(`with --weights ${values.weights}`, base);
  }
  if (values['figures-only']) return;

  const options: TuneOptions = {
    params,
    objective,
    facts,
    maxSweeps: Number(values.sweeps ?? 4),
    starts: startingPoints(base, params),
  };
  console.log(
    `\nObjective: mean over repositories of ${objective.measure} − ${objective.penalty} × shortfall below code-files R@5 + ${objective.margin}${objective.roleWeight === undefined ? '' : `, + ${objective.roleWeight} × the role questions' ${objective.measure} (pooled per repository, each weighing min(n, 30))`}; parameters: ${params.map((p) => p.name).join(', ')}`,
  );
  if (values.learn) {
    const linear = values.against
      ? (JSON.parse(readFileSync(values.against, 'utf8')) as { leaveOneOut: HeldOut; halves: HeldOut })
      : { leaveOneOut: leaveOneRepositoryOut(repos, options), halves: splitByHalves(repos, options) };
    if (!linear.leaveOneOut || !linear.halves)
      throw new UsageError(`--against needs a run with --halves and held out\n${USAGE}`);
    console.log(
      `\n${learnedReport(repos, values.learn, base, linear, (title, search) => figuresTable(title, repos, search, objective.margin))}`,
    );
    return;
  }
  const all = tune(repos, options);
  const chosen = overridesFrom(all.weights, base, params);
  console.log(
    `\n${table(`(b) tuned on all ${repos.length} (objective ${all.objective.toFixed(4)}; in-sample)`, all.weights)}`,
  );
  console.log(`  SEARCH_WEIGHTS='${JSON.stringify(chosen)}'`);
  roles(`(b) tuned on all ${repos.length} (in-sample for the code questions)`, all.weights);
  roleFigures(`(b) tuned on all ${repos.length}: docs and tests questions (in-sample)`, (repo) =>
    roleRanks(repo.roles!, all.weights, facts),
  );
  const result: Record<string, unknown> = {
    objective,
    params: params.map((p) => p.name),
    all: { weights: all.weights, overrides: chosen },
  };
  const printHeld = (title: string, held: HeldOut) => {
    console.log(
      `\n${figuresTable(
        title,
        repos,
        held.figures.map((f) => f.search),
        objective.margin,
      )}`,
    );
    roleFigures(`${title}: docs and tests questions`, (_, i) => held.figures[i]!.roleRanks!);
    console.log(foldVariation(all.weights, held.folds, params));
    return held;
  };
  if (!values['no-held-out'] && repos.length > 1)
    result.leaveOneOut = printHeld(
      '(c) held out: each repository ranked with weights tuned on the others',
      leaveOneRepositoryOut(repos, options),
    );
  if (values.halves)
    result.halves = printHeld(
      '(d) held out: odd questions ranked with weights tuned on even ones, and the reverse',
      splitByHalves(repos, options),
    );
  if (values.ablate) console.log(`\n${ablation(repos, base, options)}`);
  if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    run();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
