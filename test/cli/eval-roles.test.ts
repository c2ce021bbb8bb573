import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveQuestionSets } from '../../src/tools/eval/commit-queries';
import { SearchDumpWriter } from '../../src/tools/eval/search-dump-writer';
import type { ListsAnswer } from '../../src/tools/eval/search-dump';
import { questionFromSubject } from '../../src/tools/eval/subjects';
import { historyCutoff } from '../../src/tools/eval/time-split';
import { DEFAULT_WEIGHTS } from '../../src/code-index/ranking/files';

// The role questions of eval:search (docs/search-quality.md, "Questions"): the same history walk as the
// code questions; a commit whose changed files all have one role (docs or test) asks for that role.
let dir: string;
let day = 0;
const shas: Record<string, string> = {};

/** One commit a day from 2024-01-01 (fixed committer dates, so the time split is exact). */
function commit(label: string, subject: string, write: Record<string, string>, remove: string[] = []): void {
  for (const [path, text] of Object.entries(write)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const path of remove) rmSync(join(dir, path));
  const date = new Date(Date.UTC(2024, 0, 1 + day++)).toISOString();
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.test', ...args], {
      env,
      encoding: 'utf8',
    });
  git('add', '-A');
  git('commit', '-q', '-m', subject);
  shas[label] = git('rev-parse', 'HEAD').trim().slice(0, 12);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eval-roles-'));
  execFileSync('git', ['-C', dir, 'init', '-q', '--initial-branch=main']);
  // Oldest first.
  commit('docsOld', 'docs: describe the plugin loading order', { 'docs/plugins.md': '# Plugins\n' });
  commit('code', 'feat(router): match routes by their path', { 'src/router.ts': 'export const r = 1;\n' });
  commit('gone', 'docs: describe the legacy adapter in detail', { 'docs/legacy.md': '# Legacy\n' });
  commit('docsDup', 'docs: explain how routes are matched', { 'docs/routing.md': 'w\n' });
  commit('docsA', 'docs: explain how routes are matched', { 'README.md': '# Router\n', 'docs/routing.md': 'x\n' });
  commit('mixed', 'Document the router and fix its matching', {
    'README.md': '# Router, documented\n',
    'src/router.ts': 'export const r = 2;\n',
  });
  commit('docsTests', 'add tests and docs for route params', {
    'test/params.test.ts': 'it()\n',
    'docs/params.md': '# Params\n',
  });
  commit('typo', 'docs: fix a typo in the routing guide', { 'docs/routing.md': 'y\n' });
  commit('tooMany', 'docs: split the guide into four pages', {
    'docs/a.md': 'a\n',
    'docs/b.md': 'b\n',
    'docs/c.md': 'c\n',
    'docs/d.md': 'd\n',
  });
  commit('testsA', 'test: cover trailing slashes in routes', { 'test/router.test.ts': 'it(1)\n' });
  commit('docsB', 'Clarify the wording of the routing guide', { 'docs/routing.md': 'z\n' });
  commit('code2', 'fix: keep the query string when redirecting', { 'src/redirect.ts': 'export const q = 1;\n' });
  commit('remove', 'Remove the legacy adapter notes entirely', {}, ['docs/legacy.md']);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('questionFromSubject for role questions', () => {
  it('keeps the docs (tests) type for a docs (tests) question, removing its prefix; every other rule holds', () => {
    expect(questionFromSubject('docs(router): explain the retry behaviour better', 4, 'docs')).toEqual({
      question: 'explain the retry behaviour better',
    });
    expect(questionFromSubject('test: cover the empty header case', 4, 'tests')).toEqual({
      question: 'cover the empty header case',
    });
    expect(questionFromSubject('docs: explain the retry behaviour better')).toEqual({ skipped: 'type docs' });
    expect(questionFromSubject('test: cover the empty header case', 4, 'docs')).toEqual({ skipped: 'type test' });
    expect(questionFromSubject('docs: fix a typo in the guide', 4, 'docs')).toEqual({ skipped: 'typo' });
    expect(questionFromSubject('chore: tidy the docs folder layout', 4, 'docs')).toEqual({ skipped: 'type chore' });
    expect(questionFromSubject('docs: add the guide', 4, 'docs')).toEqual({ skipped: 'fewer words' });
  });
});

describe('deriveQuestionSets', () => {
  it('asks a docs question of a docs-only commit and a tests question of a tests-only one, newest first', async () => {
    const sets = await deriveQuestionSets(dir);
    expect(sets.code.map((q) => q.commit)).toEqual([shas.code2, shas.mixed, shas.code]);
    // A mixed docs+code commit is a code question only; docs+tests, a typo, four files, a repeated
    // subject and a file no longer in the tree (nor the commit deleting it) ask nothing.
    expect(sets.docs).toEqual([
      { query: 'Clarify the wording of the routing guide', relevant: ['docs/routing.md'], commit: shas.docsB },
      { query: 'explain how routes are matched', relevant: ['README.md', 'docs/routing.md'], commit: shas.docsA },
      { query: 'describe the plugin loading order', relevant: ['docs/plugins.md'], commit: shas.docsOld },
    ]);
    expect(sets.tests).toEqual([
      { query: 'cover trailing slashes in routes', relevant: ['test/router.test.ts'], commit: shas.testsA },
    ]);
  });

  it('holds its limits: at most maxRoleQuestions of each, and only from the commits the code questions walk', async () => {
    expect((await deriveQuestionSets(dir, { maxRoleQuestions: 2 })).docs.map((q) => q.commit)).toEqual([
      shas.docsB,
      shas.docsA,
    ]);
    // Two code questions stop the walk at `mixed`: the older docs commits ask nothing.
    const two = await deriveQuestionSets(dir, { maxQueries: 2 });
    expect(two.code.map((q) => q.commit)).toEqual([shas.code2, shas.mixed]);
    expect(two.docs.map((q) => q.commit)).toEqual([shas.docsB]);
    expect(two.tests.map((q) => q.commit)).toEqual([shas.testsA]);
  });
});

describe('historyCutoff', () => {
  it('cuts before the oldest question of any set, a docs question older than every code question included', async () => {
    const sets = await deriveQuestionSets(dir);
    const split = historyCutoff(dir, sets)!;
    // docsOld is the first commit (2024-01-01), older than the oldest code question (2024-01-02).
    expect(split.until).toBe('2023-12-31T23:59:59.000Z');
    expect(split.byKind).toEqual({
      code: '2024-01-02T00:00:00.000Z',
      docs: '2024-01-01T00:00:00.000Z',
      tests: '2024-01-10T00:00:00.000Z',
    });
    expect(split.commits).toBe(sets.code.length + sets.docs.length + sets.tests.length);
    expect(historyCutoff(dir, { code: sets.code })!.until).toBe('2024-01-01T23:59:59.000Z');
  });
});

describe('SearchDumpWriter', () => {
  it('writes a code question as before (no kind) and a role question with its kind and role baseline', () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-roles-dump-'));
    try {
      const answer: ListsAnswer = {
        question: 'q',
        weights: DEFAULT_WEIGHTS,
        lists: { files: [], words: [], history: [], commits: [], lexical: [], vector: [] },
        docsLean: null,
        testsLean: 1.5,
        files: {},
      };
      const writer = new SearchDumpWriter();
      const ranks = { searchRank: 1, returnedFiles: 3, bm25Rank: 2, codeBm25Rank: 0 };
      writer.add({ query: 'q', relevant: ['src/a.ts'], commit: 'abc' }, ranks, answer);
      writer.add({ query: 'q', relevant: ['README.md'] }, ranks, answer, { kind: 'docs', roleBm25Rank: 4 });
      const { dump } = writer.write(out, { name: 'r', commit: 'c', files: 1, chunks: 1, until: null });
      expect(Object.keys(dump.questions[0]!)).toEqual([
        'query',
        'relevant',
        'commit',
        'searchRank',
        'returnedFiles',
        'bm25Rank',
        'codeBm25Rank',
        'lists',
        'docsLean',
        'testsLean',
      ]);
      expect(dump.questions[0]!.testsLean).toBe(1.5);
      expect(dump.questions[1]).toMatchObject({ kind: 'docs', roleBm25Rank: 4 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
