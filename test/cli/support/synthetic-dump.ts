import { DEFAULT_WEIGHTS, type FileRankWeights } from '../../../src/code-index/ranking/files';
import { rankDumpQuestion } from '../../../src/tools/eval/dump-rank';
import { type DumpFile, type DumpQuestion, dumpPartners, type SearchDump } from '../../../src/tools/eval/search-dump';
import { seededRandom } from '../../support/seeded-random';

/**
 * A small dump whose answers the history list knows (the relevant file scores high there) while
 * the file list is mostly noise: a ranking that weighs history more finds them. Its searchRank and
 * returnedFiles are what rankFiles and the /ai/search cut give with `weights`, so it is faithful by
 * construction.
 */
export function syntheticDump(
  name: string,
  options: { seed: number; questions?: number; files?: number; weights?: FileRankWeights },
): SearchDump {
  const random = seededRandom(options.seed);
  const weights = options.weights ?? { ...DEFAULT_WEIGHTS, history: 0 };
  const roles = ['src', 'src', 'src', 'test', 'docs'];
  const paths = Array.from({ length: options.files ?? 40 }, (_, i) => {
    const role = roles[i % roles.length]!;
    return role === 'test' ? `test/f${i}.test.ts` : role === 'docs' ? `docs/f${i}.md` : `src/f${i}.ts`;
  });
  // Each test and doc was changed with the next few source files (no random draw: the other lists stay as they were).
  const sources = paths.filter((path) => path.startsWith('src/'));
  const filesFacts: Record<string, DumpFile> = Object.fromEntries(
    paths.map((path, i) => {
      const facts: DumpFile = {
        lines: 20 + ((i * 37) % 900),
        commits: i % 9,
        lastChange: `2025-${String(1 + (i % 12)).padStart(2, '0')}-15T00:00:00Z`,
      };
      if (!path.startsWith('src/'))
        facts.partners = [1, 2, 3].map((k) => [sources[(i + k * 5) % sources.length]!, (4 - k) / (2 + (i % 3))]);
      return [path, facts];
    }),
  );
  const partners = dumpPartners(filesFacts);
  const pick = (count: number) => [...paths].sort(() => random() - 0.5).slice(0, count);
  let chunkId = 0;
  const questions: DumpQuestion[] = Array.from({ length: options.questions ?? 30 }, (_, q) => {
    const relevant = paths[(q * 3) % paths.length]!.startsWith('src/') ? paths[(q * 3) % paths.length]! : paths[0]!;
    const list = (count: number, boost: number) =>
      [...new Set([...pick(count), ...(boost > 0 ? [relevant] : [])])]
        .map((path) => ({ path, score: random() * 10 + (path === relevant ? boost : 0) }))
        .sort((a, b) => b.score - a.score);
    const chunks = (count: number) =>
      pick(count)
        .map((path) => ({ id: ++chunkId, path, score: random() * 5 }))
        .sort((a, b) => b.score - a.score);
    const question: DumpQuestion = {
      query: `change number ${q} of the parser`,
      relevant: [relevant],
      searchRank: 0,
      bm25Rank: 1 + (q % 12),
      codeBm25Rank: 1 + (q % 7),
      lists: {
        files: list(15, random() < 0.3 ? 4 : 0),
        words: list(10, 0),
        history: list(10, 12),
        commits: list(6, 0),
        lexical: chunks(20),
        vector: chunks(10),
      },
      docsLean: q % 4 === 0 ? 0.5 : q % 4 === 1 ? -0.5 : null,
      // Every third question has no tests lean at all (a dump from before it existed).
      ...(q % 3 === 2 ? {} : { testsLean: q % 3 === 0 ? 1.2 : -0.8 }),
      returnedFiles: 0,
    };
    const { rank, returnedFiles } = rankDumpQuestion(question, weights, undefined, undefined, partners);
    return { ...question, searchRank: rank, returnedFiles };
  });
  return {
    version: 1,
    name,
    commit: '0'.repeat(40),
    files: paths.length,
    chunks: chunkId,
    until: '2026-01-01T00:00:00Z',
    weights,
    questions,
    filesFacts,
  };
}
