import type { RetrievalFigures } from './metrics';
import type { QuestionKind } from './subjects';

/** A role question set's figures in one repository (eval:search, after the code questions). */
export interface RoleEvaluation {
  queries: number;
  search: RetrievalFigures;
  /** Plain file-level BM25 over every indexed file. */
  bm25: RetrievalFigures;
  /** The same BM25 over that role's files only (`pathRole` docs or test): the set's strongest simple baseline. */
  roleBm25: RetrievalFigures;
  /** Figures of each ablation variant, by name. */
  variants: Record<string, RetrievalFigures>;
}

export type RoleKind = Exclude<QuestionKind, 'code'>;

export interface RepoEvaluation {
  name: string;
  commit: string;
  files: number;
  chunks: number;
  queries: number;
  search: RetrievalFigures;
  /** Plain file-level BM25 over every indexed file. */
  bm25: RetrievalFigures;
  /** The same BM25 over code files only (`isCodeFile`: no tests, specs, fixtures, docs, examples, benchmarks). */
  codeBm25: RetrievalFigures;
  latency: { p50: number; p99: number };
  indexSeconds: number;
  /** Figures of each ablation variant, by name (code questions). */
  variants: Record<string, RetrievalFigures>;
  /** The role question sets (history-derived questions only; a set with no question is left out). */
  roles: Partial<Record<RoleKind, RoleEvaluation>>;
}

export const f3 = (value: number) => value.toFixed(3);
const signed = (value: number) => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(3)}`;
const row = (f: RetrievalFigures) => `${f3(f.recall1)} / ${f3(f.recall5)} / ${f3(f.recall10)} / ${f3(f.mrr)}`;
const delta = (s: RetrievalFigures, b: RetrievalFigures) =>
  `${signed(s.recall5 - b.recall5)} / ${signed(s.mrr - b.mrr)}`;

/** One line of a repository's figures table (labels padded as the code table has always been). */
export function figuresLine(label: string, f: RetrievalFigures): string {
  return `  ${label.padEnd(24)}${f3(f.recall1)}     ${f3(f.recall5)}     ${f3(f.recall10)}      ${f3(f.mrr)}`;
}

/** A role set's table in a repository's section: /ai/search beside BM25 over all files and over the role's files. */
export function roleLines(kind: RoleKind, role: RoleEvaluation): string {
  return [
    `  ${kind} questions ${role.queries}        recall@1  recall@5  recall@10  MRR`,
    figuresLine('/ai/search', role.search),
    figuresLine('BM25, all files ', role.bm25),
    figuresLine(`BM25, ${kind} files`, role.roleBm25),
  ].join('\n');
}

function meanOf(all: RetrievalFigures[]): RetrievalFigures {
  const mean = (key: keyof RetrievalFigures) => all.reduce((sum, f) => sum + f[key], 0) / Math.max(1, all.length);
  return {
    queries: mean('queries'),
    recall1: mean('recall1'),
    recall5: mean('recall5'),
    recall10: mean('recall10'),
    mrr: mean('mrr'),
  };
}

/** The run's closing tables: the code questions' (as before), then one row per repository and role set. */
export function summaryTables(results: RepoEvaluation[]): string {
  const lines = [
    '\n| repository @ commit | files | chunks | queries | /ai/search R@1 / R@5 / R@10 / MRR | BM25 all files R@1 / R@5 / R@10 / MRR | BM25 code files R@1 / R@5 / R@10 / MRR | Δ R@5 / MRR vs all | Δ R@5 / MRR vs code | p50 / p99 ms |',
    '|---|---:|---:|---:|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.name} @ ${r.commit} | ${r.files} | ${r.chunks} | ${r.queries} | ${row(r.search)} | ${row(r.bm25)} | ${row(r.codeBm25)} | ${delta(r.search, r.bm25)} | ${delta(r.search, r.codeBm25)} | ${r.latency.p50.toFixed(0)} / ${r.latency.p99.toFixed(0)} |`,
    );
  }
  if (results.length > 1) {
    const s = meanOf(results.map((r) => r.search));
    const b = meanOf(results.map((r) => r.bm25));
    const c = meanOf(results.map((r) => r.codeBm25));
    lines.push(
      `| mean of ${results.length} | | | | ${row(s)} | ${row(b)} | ${row(c)} | ${delta(s, b)} | ${delta(s, c)} | |`,
    );
  }
  const roleRows = results.flatMap((r) =>
    (['docs', 'tests'] as const).flatMap((kind) => (r.roles[kind] ? [{ r, kind, role: r.roles[kind]! }] : [])),
  );
  if (!roleRows.length) return lines.join('\n');
  const variants = [...new Set(roleRows.flatMap(({ role }) => Object.keys(role.variants)))];
  lines.push(
    `\nRole questions (docs: every changed file docs by pathRole; tests: every changed file a test), asked of the same index:\n\n| repository | set | queries | /ai/search R@1 / R@5 / R@10 / MRR | BM25 all files R@1 / R@5 / R@10 / MRR | BM25 role files R@1 / R@5 / R@10 / MRR | Δ R@5 / MRR vs role files |${variants.map((name) => ` ${name} R@5 / MRR |`).join('')}`,
    `|---|---|---:|---|---|---|---|${variants.map(() => '---|').join('')}`,
  );
  const variantCells = (role: RoleEvaluation) =>
    variants
      .map((name) =>
        role.variants[name] ? ` ${f3(role.variants[name]!.recall5)} / ${f3(role.variants[name]!.mrr)} |` : ' |',
      )
      .join('');
  const line = (name: string, kind: string, role: RoleEvaluation) =>
    `| ${name} | ${kind} | ${role.queries} | ${row(role.search)} | ${row(role.bm25)} | ${row(role.roleBm25)} | ${delta(role.search, role.roleBm25)} |${variantCells(role)}`;
  for (const { r, kind, role } of roleRows) lines.push(line(r.name, kind, role));
  for (const kind of ['docs', 'tests'] as const) {
    const sets = roleRows.filter((item) => item.kind === kind).map((item) => item.role);
    if (sets.length < 2) continue;
    const mean: RoleEvaluation = {
      queries: sets.reduce((sum, role) => sum + role.queries, 0),
      search: meanOf(sets.map((role) => role.search)),
      bm25: meanOf(sets.map((role) => role.bm25)),
      roleBm25: meanOf(sets.map((role) => role.roleBm25)),
      variants: Object.fromEntries(
        variants.map((name) => [name, meanOf(sets.flatMap((role) => role.variants[name] ?? []))]),
      ),
    };
    lines.push(line(`mean of ${sets.length} (queries: total)`, kind, mean));
  }
  return lines.join('\n');
}
