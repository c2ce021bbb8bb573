import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { FileHistory } from '../../src/code-index/store/file-history';
import { FileIndex } from '../../src/code-index/store/file-index';
import { commitKind } from '../../src/code-index/store/history-terms';
import { candidateLists } from '../../src/code-index/ranking/file-search';
import { DEFAULT_WEIGHTS } from '../../src/code-index/ranking/files';
import { codeTokens } from '../../src/code-index/ranking/tokens';
import { seededRandom } from '../support/seeded-random';

async function inObject<T>(work: (sql: SqlStorage) => T): Promise<T> {
  const ns = env.REPO_INDEX!;
  const stub = ns.get(ns.idFromName(`history-terms-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => work(state.storage.sql));
}

interface Commit {
  subject: string;
  files: string[];
}

/** Changed files by what a commit touched; a prose fixture is prose (docs), a JSON fixture is a test file. */
const FILES: Record<string, string[][]> = {
  docs: [['README.md'], ['docs/guide.md', 'CHANGELOG.md'], ['tests/fixtures/notes.txt']],
  tests: [['tests/test_parser.py'], ['src/parser.test.ts', 'tests/fixtures/data.json'], ['e2e/login.spec.ts']],
  code: [['src/parser.ts'], ['src/parser.ts', 'tests/test_parser.py'], ['src/lexer.ts', 'package.json']],
};
const WORDS: Record<string, string[]> = {
  docs: ['explain', 'guide', 'install', 'wording'],
  tests: ['cover', 'assert', 'unflake', 'firefox'],
  code: ['handle', 'crash', 'reject', 'timeout'],
  shared: ['parser', 'empty', 'input', 'login'],
};

/** A random history: each commit a kind's files and a subject mostly of that kind's words, some shared. */
function history(random: () => number, commits: number, mix = { docs: 0.25, tests: 0.25 }): Commit[] {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: commits }, () => {
    const draw = random();
    const kind = draw < mix.docs ? 'docs' : draw < mix.docs + mix.tests ? 'tests' : 'code';
    const words = Array.from({ length: 2 + Math.floor(random() * 4) }, () =>
      pick(random() < 0.7 ? WORDS[kind]! : WORDS.shared!),
    );
    return { subject: words.join(' '), files: pick(FILES[kind]!) };
  });
}

function recorded(sql: SqlStorage, commits: Commit[]): FileHistory {
  new FileIndex(sql);
  const fileHistory = new FileHistory(sql);
  commits.forEach((c, i) => {
    fileHistory.record(
      { sha: `c${i}`, date: `2020-01-01T00:00:${String(i % 60).padStart(2, '0')}Z#${i}` },
      c.subject,
      c.files.map((path) => ({ path })),
      false,
    );
  });
  return fileHistory;
}

/** The naive Bayes log-odds written out from the commits themselves: `yes` commits against `no` commits. */
function referenceLean(question: string, yes: Commit[], no: Commit[]): number | null {
  if (yes.length < 20 || no.length < 20) return null;
  const terms = (c: Commit) => new Set(codeTokens(c.subject, { dropStopwords: true }));
  const seen = new Set([...yes, ...no].flatMap((c) => [...terms(c)]));
  const asked = [...new Set(codeTokens(question, { dropStopwords: true }))].slice(0, 24);
  let lean = Math.log(yes.length / no.length);
  for (const term of asked.filter((t) => seen.has(t))) {
    const y = yes.filter((c) => terms(c).has(term)).length;
    const n = no.filter((c) => terms(c).has(term)).length;
    lean += Math.log((y + 0.5) / (yes.length + 1)) - Math.log((n + 0.5) / (no.length + 1));
  }
  return lean;
}

const QUESTIONS = [
  'cover the empty input case of the parser',
  'unflake login on firefox',
  'handle a crash on empty input',
  'explain how to install the parser',
  'reject a timeout in login',
  'something nobody ever wrote',
];

/** The counted columns as a plain table, for before/after comparisons. */
function terms(sql: SqlStorage): Record<string, [number, number, number]> {
  return Object.fromEntries(
    sql
      .exec<{ term: string; docs: number; code: number; tests: number }>(
        'SELECT term, docs, code, tests FROM history_terms ORDER BY term',
      )
      .toArray()
      .map((row) => [row.term, [row.docs, row.code, row.tests]]),
  );
}

describe('history terms: what a question asks for, learned from the commits', () => {
  it('sorts a commit by its files: only prose is docs, else only tests is tests, else code', () => {
    expect(commitKind(['README.md', 'docs/a.md'])).toBe('docs');
    expect(commitKind(['tests/fixtures/notes.txt'])).toBe('docs');
    expect(commitKind(['tests/test_a.py', 'tests/fixtures/a.json', 'src/a.spec.ts'])).toBe('tests');
    expect(commitKind(['src/a.ts', 'tests/test_a.py'])).toBe('code');
    expect(commitKind(['src/a.ts', 'README.md'])).toBe('code');
  });

  it('over seeded histories, the docs lean is docs against every other commit (as before) and the tests lean tests against the other code commits', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const commits = history(seededRandom(seed), 120);
      const kindOf = (c: Commit) => commitKind(c.files);
      const docs = commits.filter((c) => kindOf(c) === 'docs');
      const tests = commits.filter((c) => kindOf(c) === 'tests');
      const code = commits.filter((c) => kindOf(c) === 'code');
      const leans = await inObject((sql) => {
        const fileHistory = recorded(sql, commits);
        return QUESTIONS.map((q) => [fileHistory.docsLean(q), fileHistory.testsLean(q)] as const);
      });
      for (const [i, question] of QUESTIONS.entries()) {
        const where = `seed ${seed}: ${question}`;
        expect(leans[i]![0], where).toBeCloseTo(referenceLean(question, docs, [...tests, ...code])!, 9);
        expect(leans[i]![1], where).toBeCloseTo(referenceLean(question, tests, code)!, 9);
      }
    }
  });

  it('a question worded like the tests commits leans to tests, one worded like code commits away; too few of either says nothing', async () => {
    const commits = history(seededRandom(9), 160);
    const [tests, code] = await inObject((sql) => {
      const fileHistory = recorded(sql, commits);
      return [fileHistory.testsLean('unflake login on firefox'), fileHistory.testsLean('handle a crash on timeout')];
    });
    expect(tests).toBeGreaterThan(0);
    expect(code).toBeLessThan(0);
    // Docs and code commits only: no tests commit, no tests lean; the docs lean still speaks.
    const noTests = history(seededRandom(10), 80, { docs: 0.4, tests: 0 });
    expect(
      await inObject((sql) => {
        const fileHistory = recorded(sql, noTests);
        return [fileHistory.testsLean('cover the parser'), fileHistory.docsLean('explain the guide') !== null];
      }),
    ).toEqual([null, true]);
  });

  it('an object counted before tests were gains the column and recounts its past commits once, to what a new walk counts', async () => {
    const commits = history(seededRandom(5), 150);
    const outcome = await inObject((sql) => {
      const walked = recorded(sql, commits);
      const expected = terms(sql);
      const leans = QUESTIONS.map((q) => [walked.docsLean(q), walked.testsLean(q)]);
      // The table as the old schema made it: the same docs and code counts, no tests column.
      sql.exec('CREATE TABLE old_terms AS SELECT term, docs, code FROM history_terms');
      sql.exec('DROP TABLE history_terms');
      sql.exec('CREATE TABLE history_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL, code INTEGER NOT NULL)');
      sql.exec('INSERT INTO history_terms SELECT term, docs, code FROM old_terms');
      sql.exec('DROP TABLE old_terms');
      const columns = () => sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('history_terms')").toArray();
      const before = columns().map((c) => c.name);
      const upgraded = new FileHistory(sql);
      const after = columns().map((c) => c.name);
      const recounted = terms(sql);
      const upgradedLeans = QUESTIONS.map((q) => [upgraded.docsLean(q), upgraded.testsLean(q)]);
      // Opened again: nothing counted twice.
      new FileHistory(sql);
      return { expected, leans, before, after, recounted, upgradedLeans, again: terms(sql) };
    });
    expect(outcome.before).toEqual(['term', 'docs', 'code']);
    expect(outcome.after).toEqual(['term', 'docs', 'code', 'tests']);
    expect(Object.values(outcome.expected).some(([, , tests]) => tests > 0)).toBe(true);
    expect(outcome.recounted).toEqual(outcome.expected);
    expect(outcome.upgradedLeans).toEqual(outcome.leans);
    expect(outcome.again).toEqual(outcome.expected);
  });

  it('a search gathers the tests lean beside the docs lean; not learned, it is not asked (unless an evaluation dump asks for all)', async () => {
    const commits = history(seededRandom(6), 120);
    const got = await inObject((sql) => {
      const index = new FileIndex(sql);
      index.write('src/parser.ts', 'typescript', [{ symbol: null, text: 'parser' }], 'parser');
      const fileHistory = recorded(sql, commits);
      const question = 'unflake login on firefox';
      const gather = (weights: typeof DEFAULT_WEIGHTS, all = false) => {
        const { lists: _, ...leans } = candidateLists({ files: index }, question, {}, [], {
          weights,
          history: fileHistory,
          all,
        });
        return leans;
      };
      return {
        on: gather(DEFAULT_WEIGHTS),
        off: gather({ ...DEFAULT_WEIGHTS, learnedTests: false }),
        dumped: gather({ ...DEFAULT_WEIGHTS, learnedTests: false }, true),
        expected: fileHistory.testsLean(question),
      };
    });
    expect(got.expected).toBeGreaterThan(0);
    expect(got.on.testsLean).toBe(got.expected);
    expect(got.off.testsLean).toBeNull();
    expect(got.off.docsLean).toBe(got.on.docsLean);
    expect(got.dumped.testsLean).toBe(got.expected);
  });
});
