import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WEIGHTS, type FileRankWeights, rankFiles } from '../../src/code-index/ranking/files';
import { rankLists } from '../../src/code-index/ranking/file-search';
import { checkFaithfulness, loadDump, rankDumpQuestion, readDumps } from '../../src/tools/eval/dump-rank';
import { fastRank, prepareQuestion } from '../../src/tools/eval/fast-rank';
import { figures } from '../../src/tools/eval/metrics';
import {
  evaluate,
  leaveOneRepositoryOut,
  splitByHalves,
  tune,
  type TuneOptions,
  tuneRepo,
} from '../../src/tools/eval/tune-search';
import { BASE_PARAMS, DEFAULT_OBJECTIVE, FEATURE_PARAMS, objectiveValue } from '../../src/tools/eval/tune-space';
import { contributions } from '../../src/tools/eval/tune-explain';
import { run } from '../../src/tools/eval-tune';
import { syntheticDump } from './support/synthetic-dump';

const start: FileRankWeights = { ...DEFAULT_WEIGHTS, history: 0 };
const options = (facts = false): TuneOptions => ({
  params: BASE_PARAMS,
  objective: DEFAULT_OBJECTIVE,
  facts,
  starts: [start],
  maxSweeps: 2,
});
const repos = () => [1, 2, 3].map((seed) => tuneRepo(loadDump(syntheticDump(`repo${seed}`, { seed }))));

describe('faithfulness', () => {
  it('reproduces every question of a dump built with rankFiles, and names a question whose recorded rank differs', () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 7 }));
    expect(checkFaithfulness(dump)).toMatchObject({ questions: 30, reproduced: 30, mismatches: [] });
    const tampered = loadDump({
      ...dump,
      questions: dump.questions.map((q, i) => (i === 3 ? { ...q, searchRank: q.searchRank + 1 } : q)),
    });
    const check = checkFaithfulness(tampered);
    expect(check.reproduced).toBe(29);
    expect(check.mismatches.map((miss) => miss.query)).toEqual([dump.questions[3]!.query]);
  });

  it('reads the tooling factor of a dump taken before tooling was a role as its configuration factor', () => {
    const dump = syntheticDump('synthetic', { seed: 3 });
    const { tooling: _, ...older } = { ...dump.weights.roles, config: 0.3 };
    const loaded = loadDump({ ...dump, weights: { ...dump.weights, roles: older as FileRankWeights['roles'] } });
    expect(loaded.weights.roles).toMatchObject({ config: 0.3, tooling: 0.3 });
    // A dump that names its tooling factor keeps it.
    expect(
      loadDump({ ...dump, weights: { ...dump.weights, roles: { ...dump.weights.roles, tooling: 0.6 } } }).weights.roles
        .tooling,
    ).toBe(0.6);
  });

  it('file facts change nothing at the default weights (production passes none until the lead decides)', () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 5 }));
    for (const question of dump.questions) {
      const lists = { ...question.lists };
      const plain = rankFiles(question.query, lists, DEFAULT_WEIGHTS, question.docsLean);
      expect(rankFiles(question.query, { ...lists, facts: dump.facts }, DEFAULT_WEIGHTS, question.docsLean)).toEqual(
        plain,
      );
      const active = rankFiles(
        question.query,
        { ...lists, facts: dump.facts },
        { ...DEFAULT_WEIGHTS, activity: 1 },
        question.docsLean,
      );
      expect(active.map((file) => file.path).sort()).toEqual(plain.map((file) => file.path).sort());
    }
  });

  it('the fast scorer gives rankFiles’ rank for every value of every tuned parameter, with and without file facts', () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 11 }));
    const prepared = dump.questions.map((question) => prepareQuestion(question, dump.facts, undefined, dump.partners));
    for (const param of [...BASE_PARAMS, ...Object.values(FEATURE_PARAMS)])
      for (const value of param.values)
        for (const weights of [
          param.set(DEFAULT_WEIGHTS, value),
          param.set({ ...DEFAULT_WEIGHTS, chunk: 0, words: 0 }, value),
        ])
          for (const [i, question] of dump.questions.entries()) {
            const where = `${param.name}=${value} question ${i}`;
            expect(fastRank(prepared[i]!, weights), where).toBe(
              rankDumpQuestion(question, weights, undefined, undefined, dump.partners).rank,
            );
            expect(fastRank(prepared[i]!, weights, true), where).toBe(
              rankDumpQuestion(question, weights, dump.facts, undefined, dump.partners).rank,
            );
          }
  });

  it('the fast scorer asks for tests by the learned tests lean as rankFiles does: on, off, and past a margin', () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 17 }));
    const prepared = dump.questions.map((question) => prepareQuestion(question, dump.facts));
    let moved = 0;
    for (const learnedTests of [true, false])
      for (const testsMargin of [-1, 0, 0.5, 2])
        for (const weights of [
          { ...DEFAULT_WEIGHTS, learnedTests, testsMargin },
          { ...DEFAULT_WEIGHTS, learnedTests, testsMargin, roles: { ...DEFAULT_WEIGHTS.roles, test: 0.01 } },
        ])
          for (const [i, question] of dump.questions.entries()) {
            const rank = rankDumpQuestion(question, weights).rank;
            expect(fastRank(prepared[i]!, weights), `${learnedTests} ${testsMargin} question ${i}`).toBe(rank);
            if (rank !== rankDumpQuestion(question, { ...weights, learnedTests: false }).rank) moved++;
          }
    // The lean changes some ranks (else this would compare nothing).
    expect(moved).toBeGreaterThan(0);
  });
});

describe('explain', () => {
  it("a file's signal contributions, times its role prior, sum to its rankFiles score (words on and off, chunk floor on)", () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 13 }));
    for (const weights of [dump.weights, { ...dump.weights, words: 0, history: 0.5, chunkAbsent: 0.5, consensus: 0.5 }])
      for (const question of dump.questions) {
        const ranked = rankLists(question.query, question.lists, question, weights);
        expect(ranked.length).toBeGreaterThan(0);
        for (const file of ranked) {
          const c = contributions(question, file.path, weights);
          const sum = c.file + c.words + c.history + c.commits + c.chunk + c.vector;
          expect(c.consensus * sum * c.prior).toBeCloseTo(file.score, 12);
          expect(c.score).toBeCloseTo(file.score, 12);
        }
      }
  });
});

describe('tuning', () => {
  it('finds the weight the synthetic answers need (the history list) and gains on the objective', () => {
    const data = repos();
    const before = objectiveValue(evaluate(data, start, false));
    const tuned = tune(data, options());
    expect(tuned.weights.history).toBeGreaterThan(0);
    expect(tuned.objective).toBeGreaterThan(before);
    expect(tuned).toEqual(tune(data, options()));
  });

  it('leaving a repository out never passes its questions to the tuner, and ranks it with the fold’s weights', () => {
    const data = repos();
    const seen: string[][] = [];
    const spy = vi.fn((train: typeof data, o: TuneOptions) => {
      seen.push(train.map((repo) => repo.name));
      return tune(train, o);
    });
    const held = leaveOneRepositoryOut(data, options(), spy);
    expect(seen).toEqual([
      ['repo2', 'repo3'],
      ['repo1', 'repo3'],
      ['repo1', 'repo2'],
    ]);
    for (const [i, repo] of data.entries()) {
      const heldQuestions = new Set(repo.questions);
      expect(spy.mock.calls[i]![0].flatMap((r) => r.questions).some((q) => heldQuestions.has(q))).toBe(false);
      expect(held.figures[i]!.search).toEqual(figures(repo.questions.map((q) => fastRank(q, held.folds[i]!.weights))));
    }
  });

  it('the odd/even split tunes on one half and ranks only the other with it', () => {
    const data = repos();
    const trained: Set<unknown>[] = [];
    const spy = (train: typeof data, o: TuneOptions) => {
      trained.push(new Set(train.flatMap((repo) => repo.questions)));
      return tune(train, o);
    };
    const halves = splitByHalves(data, options(), spy);
    for (const [parity, seen] of trained.entries())
      for (const repo of data)
        for (const [i, question] of repo.questions.entries()) expect(seen.has(question)).toBe(i % 2 === parity);
    expect(halves.figures.map((f) => f.search.queries)).toEqual(data.map((repo) => repo.questions.length));
  });
});

describe('eval:tune', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints faithfulness, the recorded figures, the tuned weights and the held-out table', () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-tune-'));
    for (const seed of [1, 2])
      writeFileSync(join(dir, `repo${seed}.json`), JSON.stringify(syntheticDump(`repo${seed}`, { seed })));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      run(['--dumps', dir, '--sweeps', '1', '--features', 'activity', '--ablate']);
    } finally {
      log.mockRestore();
    }
    const out = lines.join('\n');
    expect(out).toContain('repo1: 30/30 reproduced; fast scorer agrees with rankFiles on 30/30');
    expect(out).toContain('(b) tuned on all 2');
    expect(out).toContain('(c) held out');
    expect(out).toMatch(/Held-out ablation \(leave one repository out\)[\s\S]*\+activity\+size\+recency/);
    expect(out).toMatch(/SEARCH_WEIGHTS='\{.*"history":/);
  });

  it('reads only code questions: docs and tests questions in a dump change no figure, weight or objective, and print apart', () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-tune-'));
    const withRoles = join(dir, 'roles');
    const codeOnly = join(dir, 'code');
    for (const folder of [withRoles, codeOnly]) mkdirSync(folder);
    for (const seed of [1, 2]) {
      const dump = syntheticDump(`repo${seed}`, { seed });
      // Role questions the search misses entirely: counted as code questions, they would pull every figure down.
      const roleQuestions = dump.questions.slice(0, 10).map((question, i) => ({
        ...question,
        query: `document part ${i} of the parser`,
        relevant: ['docs/none.md'],
        searchRank: 0,
        kind: i % 2 ? ('tests' as const) : ('docs' as const),
        roleBm25Rank: 1,
      }));
      writeFileSync(join(codeOnly, `repo${seed}.json`), JSON.stringify(dump));
      writeFileSync(
        join(withRoles, `repo${seed}.json`),
        JSON.stringify({ ...dump, questions: [...dump.questions, ...roleQuestions] }),
      );
      const loaded = loadDump({ ...dump, questions: [...dump.questions, ...roleQuestions] });
      expect(loaded.questions).toEqual(dump.questions);
      expect(loaded.roleQuestions.map((q) => q.kind)).toEqual(roleQuestions.map((q) => q.kind));
    }
    const read = (folder: string) => readDumps(folder).map(tuneRepo);
    expect(read(withRoles)).toEqual(read(codeOnly));
    const tuned = tune(read(withRoles), options());
    expect(tuned).toEqual(tune(read(codeOnly), options()));
    expect(objectiveValue(evaluate(read(withRoles), tuned.weights, false), DEFAULT_OBJECTIVE)).toBe(tuned.objective);

    const output = (folder: string) => {
      const lines: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
      try {
        run(['--dumps', folder, '--sweeps', '1', '--no-held-out']);
      } finally {
        log.mockRestore();
      }
      return lines;
    };
    const plain = output(codeOnly);
    const roles = output(withRoles);
    expect(plain.join('\n')).not.toContain('docs and tests questions');
    // The same lines, plus the role tables (recorded, and with the tuned weights).
    expect(roles.filter((line) => !line.includes('docs and tests questions'))).toEqual(plain);
    const tables = roles.filter((line) => line.includes('docs and tests questions'));
    expect(tables).toHaveLength(2);
    expect(tables[0]).toMatch(/repo1\s+docs\s+5 {2}0\.000 0\.000 0\.000 0\.000 \| \S+ \S+ {4}\| 1\.000 1\.000/);
    expect(tables[1]).toContain('(b) tuned on all 2');
  });
});
