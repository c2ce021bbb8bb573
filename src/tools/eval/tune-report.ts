import type { FileRankWeights } from '../../code-index/ranking/files';
import type { LoadedDump } from './dump-rank';
import { figures, type RetrievalFigures } from './metrics';
import type { DumpQuestion } from './search-dump';
import type { TuneRepo } from './tune-search';
import type { TuneParam } from './tune-space';

const f3 = (value: number) => value.toFixed(3);
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;

/**
 * Per repository: the figures of a ranking beside BM25 over all files and over code files (both from
 * the dump), with the differences to code files; "ok" when R@5 gains at least `margin` and MRR at
 * least as much. The last row is the mean over repositories.
 */
export function figuresTable(title: string, repos: TuneRepo[], search: RetrievalFigures[], margin = 0.05): string {
  const header = `${title}\n  ${'repository'.padEnd(14)} R@1   R@5   R@10  MRR   | bm25 R@5 MRR   | code R@5 MRR   | ΔR@5   ΔMRR   ok`;
  const rows = repos.map((repo, i) => ({
    name: repo.name,
    s: search[i]!,
    b: figures(repo.bm25Ranks),
    c: figures(repo.codeRanks),
  }));
  const mean = (pick: (row: (typeof rows)[number]) => RetrievalFigures, key: keyof RetrievalFigures) =>
    rows.reduce((sum, row) => sum + pick(row)[key], 0) / Math.max(1, rows.length);
  const line = (name: string, s: RetrievalFigures, b: RetrievalFigures, c: RetrievalFigures) => {
    const dr = s.recall5 - c.recall5;
    const dm = s.mrr - c.mrr;
    const ok = dr >= margin - 1e-9 && dm >= dr - 1e-9 ? 'yes' : 'no';
    return `  ${name.padEnd(14)} ${f3(s.recall1)} ${f3(s.recall5)} ${f3(s.recall10)} ${f3(s.mrr)} | ${f3(b.recall5)} ${f3(b.mrr)}    | ${f3(c.recall5)} ${f3(c.mrr)}    | ${signed(dr)} ${signed(dm)} ${ok}`;
  };
  const averaged = (pick: (row: (typeof rows)[number]) => RetrievalFigures): RetrievalFigures => ({
    queries: 0,
    recall1: mean(pick, 'recall1'),
    recall5: mean(pick, 'recall5'),
    recall10: mean(pick, 'recall10'),
    mrr: mean(pick, 'mrr'),
  });
  return [
    header,
    ...rows.map((row) => line(row.name, row.s, row.b, row.c)),
    line(
      'mean',
      averaged((row) => row.s),
      averaged((row) => row.b),
      averaged((row) => row.c),
    ),
  ].join('\n');
}

/** Each tuned parameter's value in the all-repository tuning and in every fold (to see how stable it is). */
export function foldVariation(
  all: FileRankWeights,
  folds: { name: string; weights: FileRankWeights }[],
  params: TuneParam[],
): string {
  const lines = [`  ${'parameter'.padEnd(16)} all   folds (${folds.map((fold) => fold.name).join(', ')})`];
  for (const param of params) {
    const values = folds.map((fold) => String(param.get(fold.weights)));
    const stable = values.every((value) => value === String(param.get(all)));
    lines.push(
      `  ${param.name.padEnd(16)} ${String(param.get(all)).padEnd(5)} ${stable ? '(same in every fold)' : values.join(' ')}`,
    );
  }
  return lines.join('\n');
}

/**
 * The dumps' docs and tests questions (`roleQuestions`), which the tuner's figures and objective leave
 * out: per repository and set, the search's figures (as recorded, or as `rank` ranks them) beside BM25
 * over all files and over that role's files. Empty when no dump has role questions.
 */
export function roleFiguresTable(
  title: string,
  dumps: LoadedDump[],
  rank: (dump: LoadedDump, question: DumpQuestion) => number = (_, question) => question.searchRank,
): string {
  const lines: string[] = [];
  for (const dump of dumps)
    for (const kind of ['docs', 'tests'] as const) {
      const set = dump.roleQuestions.filter((question) => question.kind === kind);
      if (!set.length) continue;
      const s = figures(set.map((question) => rank(dump, question)));
      const b = figures(set.map((question) => question.bm25Rank));
      const r = figures(set.map((question) => question.roleBm25Rank ?? 0));
      lines.push(
        `  ${dump.name.padEnd(14)} ${kind.padEnd(5)} ${String(set.length).padStart(3)}  ${f3(s.recall1)} ${f3(s.recall5)} ${f3(s.recall10)} ${f3(s.mrr)} | ${f3(b.recall5)} ${f3(b.mrr)}    | ${f3(r.recall5)} ${f3(r.mrr)}    | ${signed(s.recall5 - r.recall5)} ${signed(s.mrr - r.mrr)}`,
      );
    }
  if (!lines.length) return '';
  return [
    `${title}\n  ${'repository'.padEnd(14)} set     n  R@1   R@5   R@10  MRR   | bm25 R@5 MRR   | role R@5 MRR   | ΔR@5   ΔMRR`,
    ...lines,
  ].join('\n');
}
