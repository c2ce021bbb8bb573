import type { FileRankWeights } from '../../code-index/ranking/files';
import type { LoadedDump } from './dump-rank';
import { fastRank, type PreparedQuestion, prepareQuestion } from './fast-rank';
import { figures, type RetrievalFigures } from './metrics';
import type { Objective } from './tune-space';

/** A repository's docs and tests questions (eval:search's role sets), prepared once, with their baselines. */
export interface RoleSet {
  questions: PreparedQuestion[];
  kinds: ('docs' | 'tests')[];
  bm25Ranks: number[];
  /** BM25 over that role's files only (the set's own baseline). */
  roleBm25Ranks: number[];
}

export function roleSet(dump: LoadedDump): RoleSet {
  const questions = dump.roleQuestions;
  return {
    questions: questions.map((question) => prepareQuestion(question, dump.facts, undefined, dump.partners)),
    kinds: questions.map((question) => (question.kind === 'tests' ? 'tests' : 'docs')),
    bm25Ranks: questions.map((question) => question.bm25Rank),
    roleBm25Ranks: questions.map((question) => question.roleBm25Rank ?? 0),
  };
}

export function roleSubset(set: RoleSet, keep: (index: number) => boolean): RoleSet {
  const pick = <T>(items: T[]) => items.filter((_, i) => keep(i));
  return {
    questions: pick(set.questions),
    kinds: pick(set.kinds),
    bm25Ranks: pick(set.bm25Ranks),
    roleBm25Ranks: pick(set.roleBm25Ranks),
  };
}

/**
 * How much a repository's pooled role questions weigh in the joint objective: their count, capped at
 * ROLE_CAP. At least 30 questions (gin, axios, pinia, ripgrep, scrapy, playwright in dumps5) count
 * as one repository each, as in the code objective; vue-core's 6 and astro's 9 count in proportion
 * (0.2, 0.3), so a single question there cannot outweigh a dozen elsewhere.
 */
export const ROLE_CAP = 30;

const ranked = new WeakMap<RoleSet, Map<string, number[]>>();

export function roleRanks(set: RoleSet, weights: FileRankWeights, facts: boolean): number[] {
  const key = `${facts}:${JSON.stringify(weights)}`;
  const known = ranked.get(set) ?? new Map<string, number[]>();
  ranked.set(set, known);
  const ranks = known.get(key) ?? set.questions.map((question) => fastRank(question, weights, facts));
  known.set(key, ranks);
  return ranks;
}

const measureOf = (figure: RetrievalFigures, measure: Objective['measure']) =>
  measure === 'r5' ? figure.recall5 : measure === 'mrr' ? figure.mrr : figure.recall5 + figure.mrr;

/**
 * The role term of the joint objective: per repository, its docs and tests questions pooled and
 * measured as the code objective measures (R@5 + MRR by default), averaged over repositories with
 * weight min(questions, ROLE_CAP). 0 when no repository has role questions.
 */
export function roleTerm(
  sets: (RoleSet | undefined)[],
  weights: FileRankWeights,
  facts: boolean,
  measure: Objective['measure'],
): number {
  let total = 0;
  let weight = 0;
  for (const set of sets) {
    if (!set?.questions.length) continue;
    const share = Math.min(set.questions.length, ROLE_CAP);
    total += share * measureOf(figures(roleRanks(set, weights, facts)), measure);
    weight += share;
  }
  return weight ? total / weight : 0;
}

const f3 = (value: number) => value.toFixed(3);
const pair = (figure: RetrievalFigures) => `${f3(figure.recall5)} ${f3(figure.mrr)}`;

/** A role set's figures by kind (and pooled) from ranks given per question. */
function byKind(set: RoleSet, ranks: number[], of: 'docs' | 'tests' | 'all'): number[] {
  return ranks.filter((_, i) => of === 'all' || set.kinds[i] === of);
}

/**
 * Per repository, the role sets ranked by `ranks` (held out or in-sample): docs and tests R@5 / MRR
 * beside BM25 over that role's files, then the sets pooled over every repository and the
 * objective's capped mean of the pooled sets.
 */
export function roleTable(title: string, rows: { name: string; set: RoleSet; ranks: number[] }[]): string {
  const lines = [
    `${title}\n  ${'repository'.padEnd(14)} docs n R@5   MRR   | role R@5 MRR   | tests n R@5   MRR   | role R@5 MRR   | pooled R@5 MRR`,
  ];
  const cell = (set: RoleSet, ranks: number[], kind: 'docs' | 'tests') =>
    `${String(byKind(set, ranks, kind).length).padStart(6)} ${pair(figures(byKind(set, ranks, kind)))} | ${pair(figures(byKind(set, set.roleBm25Ranks, kind)))}   `;
  for (const { name, set, ranks } of rows)
    lines.push(
      `  ${name.padEnd(14)} ${cell(set, ranks, 'docs')} | ${cell(set, ranks, 'tests')} | ${pair(figures(ranks))}`,
    );
  const pooled = (kind: 'docs' | 'tests') => ({
    search: rows.flatMap(({ set, ranks }) => byKind(set, ranks, kind)),
    base: rows.flatMap(({ set }) => byKind(set, set.roleBm25Ranks, kind)),
  });
  const docs = pooled('docs');
  const tests = pooled('tests');
  const pooledCell = (p: { search: number[]; base: number[] }) =>
    `${String(p.search.length).padStart(6)} ${pair(figures(p.search))} | ${pair(figures(p.base))}   `;
  lines.push(
    `  ${'pooled'.padEnd(14)} ${pooledCell(docs)} | ${pooledCell(tests)} | ${pair(figures([...docs.search, ...tests.search]))}`,
  );
  let weight = 0;
  const capped = { recall5: 0, mrr: 0 };
  for (const { ranks } of rows) {
    const share = Math.min(ranks.length, ROLE_CAP);
    const figure = figures(ranks);
    capped.recall5 += share * figure.recall5;
    capped.mrr += share * figure.mrr;
    weight += share;
  }
  if (weight)
    lines.push(
      `  capped mean of the pooled sets (each repository weighs min(n, ${ROLE_CAP})): R@5 ${f3(capped.recall5 / weight)} MRR ${f3(capped.mrr / weight)}`,
    );
  return lines.join('\n');
}
