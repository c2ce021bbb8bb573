import {
  type ChunkCandidate,
  consensusFactor,
  type FileCandidate,
  type FileRankWeights,
  learnedTestsLean,
  scaled,
  type WeightOverrides,
} from '../../code-index/ranking/files';
import { askedRoles, pathPrior, pathRole } from '../../code-index/ranking/path-prior';
import { type LoadedDump, withOverrides } from './dump-rank';
import { type DumpQuestion, reproduceSearch, SEARCH_K } from './search-dump';

/** One file's score taken apart: each signal's weight × scaled value, the role's prior factor, and its rank in each raw list. */
export interface Contributions {
  path: string;
  file: number;
  words: number;
  history: number;
  commits: number;
  chunk: number;
  vector: number;
  role: string;
  prior: number;
  /** The consensus factor (1 unless the consensus feature is on). */
  consensus: number;
  score: number;
  /** 1-based rank of the file's first entry in each list (0: absent). */
  ranks: Record<keyof DumpQuestion['lists'], number>;
}

const LISTS = ['files', 'words', 'history', 'commits', 'lexical', 'vector'] as const;

function best(list: FileCandidate[], path: string, minmax: boolean, rankScale: number): number {
  let value = 0;
  for (const [candidate, v] of scaled(list, minmax, rankScale)) if (candidate.path === path) value = Math.max(value, v);
  return value;
}

/** rankFiles' chunk aggregate; a file the list left out counts `absent` times its last scaled value. */
function aggregate(list: ChunkCandidate[], path: string, weights: FileRankWeights, absent = 0): number {
  const all = [...scaled(list, weights.minmax, weights.rankScale)];
  const values = all
    .filter(([candidate]) => candidate.path === path)
    .map(([, v]) => v)
    .sort((a, b) => b - a);
  if (!values.length) return absent * (all.length ? all[all.length - 1]![1] : 0);
  const extra = values.slice(1, 1 + weights.extraChunks).reduce((sum, v) => sum + v, 0);
  return (values[0] ?? 0) + weights.extra * extra;
}

/**
 * A file's score as rankLists → rankFiles computes it, signal by signal (without file facts: the
 * shipped weights use none). The six weighted parts summed, times prior and consensus, are its score.
 */
export function contributions(question: DumpQuestion, path: string, weights: FileRankWeights): Contributions {
  const { lists } = question;
  const named = [...askedRoles(question.query)].some((role) => role !== 'generated');
  const wordsOn = weights.words > 0 && (weights.wordsWhenAsked || !named);
  const asked = askedRoles(
    question.query,
    weights.learnedDocs ? question.docsLean : null,
    learnedTestsLean(question.testsLean, weights),
  );
  const ranks = Object.fromEntries(
    LISTS.map((name) => [name, lists[name].findIndex((c) => c.path === path) + 1]),
  ) as Contributions['ranks'];
  const inPlay = [
    true,
    wordsOn,
    weights.history > 0,
    weights.commits > 0,
    weights.chunk > 0,
    weights.vector > 0,
  ].filter((on, i) => on && ranks[LISTS[i]!] > 0).length;
  const parts = {
    file: weights.file * best(lists.files, path, weights.minmax, weights.rankScale),
    words: wordsOn ? weights.words * best(lists.words, path, weights.minmax, weights.rankScale) : 0,
    history: weights.history > 0 ? weights.history * best(lists.history, path, weights.minmax, weights.rankScale) : 0,
    commits: weights.commits > 0 ? weights.commits * best(lists.commits, path, weights.minmax, weights.rankScale) : 0,
    chunk: weights.chunk > 0 ? weights.chunk * aggregate(lists.lexical, path, weights, weights.chunkAbsent ?? 0) : 0,
    vector: weights.vector > 0 ? weights.vector * aggregate(lists.vector, path, weights) : 0,
  };
  const raw = parts.file + parts.words + parts.history + parts.commits + parts.chunk + parts.vector;
  const prior = weights.priors ? pathPrior(path, asked, weights.roles) : 1;
  const consensus = consensusFactor(weights.consensus > 0 ? inPlay : 0, weights.consensus);
  return { path, ...parts, role: pathRole(path), prior, consensus, score: consensus * raw * prior, ranks };
}

function line(c: Contributions): string {
  const f = (n: number) => n.toFixed(3);
  const r = c.ranks;
  return (
    `${f(c.score)} = (file ${f(c.file)} + words ${f(c.words)} + history ${f(c.history)} + commits ${f(c.commits)} + chunk ${f(c.chunk)} + vector ${f(c.vector)})` +
    ` × ${c.role} ${c.prior}${c.consensus !== 1 ? ` × consensus ${f(c.consensus)}` : ''}` +
    `  ranks f${r.files} w${r.words} h${r.history} c${r.commits} l${r.lexical} v${r.vector}  ${c.path}`
  );
}

const inTop5 = (rank: number) => rank >= 1 && rank <= 5;

/**
 * Every question where BM25 over code files has an answer in its top 5 and the search does not:
 * the question, the wanted file and the search's top 3, each taken apart signal by signal; and per
 * repository the reverse count (the search in its top 5, the baseline not).
 */
export function explainMisses(dumps: LoadedDump[], overrides: WeightOverrides = {}): string {
  const out: string[] = [];
  for (const dump of dumps) {
    const weights = withOverrides(dump.weights, overrides);
    // Re-ranked (with the dump's own weights, the recorded searchRank: eval:tune checks that).
    const ranked = dump.questions.map((question) => ({
      question,
      search: reproduceSearch(question, weights, SEARCH_K, undefined, undefined, dump.partners),
    }));
    const lost = ranked.filter(({ question, search }) => inTop5(question.codeBm25Rank) && !inTop5(search.searchRank));
    const won = ranked.filter(({ question, search }) => inTop5(search.searchRank) && !inTop5(question.codeBm25Rank));
    out.push(
      `\n== ${dump.name}: baseline top 5 and we not: ${lost.length}; we top 5 and baseline not: ${won.length} (of ${dump.questions.length})`,
    );
    for (const { question, search } of lost) {
      const wanted = question.relevant
        .map((path) => contributions(question, path, weights))
        .sort((a, b) => b.score - a.score)[0];
      out.push(
        `\n"${question.query}"  ours ${search.searchRank || '-'}, code BM25 ${question.codeBm25Rank}; relevant ${question.relevant.length}`,
      );
      if (wanted) out.push(`  want ${line(wanted)}`);
      for (const [i, path] of search.files.slice(0, 3).entries())
        out.push(`  #${i + 1}   ${line(contributions(question, path, weights))}`);
    }
  }
  return out.join('\n');
}
