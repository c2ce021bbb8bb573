import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WEIGHTS, type FileRankWeights } from '../../src/code-index/ranking/files';
import { loadDump } from '../../src/tools/eval/dump-rank';
import { fastRank, type PreparedQuestion } from '../../src/tools/eval/fast-rank';
import type { DumpQuestion, SearchDump } from '../../src/tools/eval/search-dump';
import { roleTerm } from '../../src/tools/eval/tune-roles';
import {
  evaluate,
  jointObjective,
  leaveOneRepositoryOut,
  splitByHalves,
  tune,
  type TuneOptions,
  type TuneRepo,
  tuneRepo,
  tuneRepoWithRoles,
} from '../../src/tools/eval/tune-search';
import { BASE_PARAMS, DEFAULT_OBJECTIVE, objectiveValue } from '../../src/tools/eval/tune-space';
import { run } from '../../src/tools/eval-tune';
import { syntheticDump } from './support/synthetic-dump';

// The joint objective of eval:tune --role-weight (docs/search-quality.md, "the role factors chosen on both kinds").
const start: FileRankWeights = { ...DEFAULT_WEIGHTS, history: 0 };
const options = (roleWeight?: number): TuneOptions => ({
  params: BASE_PARAMS.filter((param) => ['history', 'roles.docs', 'roles.test', 'file'].includes(param.name)),
  objective: { ...DEFAULT_OBJECTIVE, roleWeight },
  facts: false,
  starts: [start],
  maxSweeps: 2,
});

/** A synthetic dump plus docs and tests questions whose answer is a docs or test file in their lists. */
function withRoleQuestions(seed: number): SearchDump {
  const dump = syntheticDump(`repo${seed}`, { seed });
  const roleQuestions: DumpQuestion[] = dump.questions.flatMap((question, i) => {
    const kind = i % 2 ? ('tests' as const) : ('docs' as const);
    const answer = question.lists.files.find((c) => c.path.startsWith(kind === 'docs' ? 'docs/' : 'test/'));
    return answer
      ? [{ ...question, query: `part ${i} of the parser`, relevant: [answer.path], kind, roleBm25Rank: 1 + (i % 3) }]
      : [];
  });
  return { ...dump, questions: [...dump.questions, ...roleQuestions] };
}

const repos = () => [1, 2, 3].map((seed) => tuneRepoWithRoles(loadDump(withRoleQuestions(seed))));

describe('the joint objective', () => {
  it('equals the code objective at w = 0, and at any w when no repository has role questions', () => {
    const data = repos();
    const plain = [1, 2, 3].map((seed) => tuneRepo(loadDump(withRoleQuestions(seed))));
    for (const weights of [start, { ...start, roles: { ...start.roles, docs: 1, test: 1 } }]) {
      const code = objectiveValue(evaluate(data, weights, false), DEFAULT_OBJECTIVE);
      expect(jointObjective(data, weights, false, { ...DEFAULT_OBJECTIVE, roleWeight: 0 })).toBe(code);
      expect(jointObjective(data, weights, false, DEFAULT_OBJECTIVE)).toBe(code);
      expect(jointObjective(plain, weights, false, { ...DEFAULT_OBJECTIVE, roleWeight: 1 })).toBe(code);
      const empty = data.map((repo) => ({ ...repo, roles: { ...repo.roles!, questions: [], kinds: [] } }));
      expect(jointObjective(empty, weights, false, { ...DEFAULT_OBJECTIVE, roleWeight: 1 })).toBe(code);
      // With role questions and w > 0 it adds w × the role term, which the role answers here make positive.
      const term = roleTerm(
        data.map((repo) => repo.roles),
        weights,
        false,
        'r5+mrr',
      );
      expect(term).toBeGreaterThan(0);
      expect(jointObjective(data, weights, false, { ...DEFAULT_OBJECTIVE, roleWeight: 0.5 })).toBeCloseTo(
        code + 0.5 * term,
        12,
      );
    }
  });

  it('never ranks a role question at w = 0 (a question that throws when read changes nothing), and moves the role factors at w > 0', () => {
    const data = repos();
    const poison = new Proxy({} as PreparedQuestion, {
      get: () => {
        throw new Error('a role question was read');
      },
    });
    const poisoned = data.map((repo) => ({
      ...repo,
      roles: { ...repo.roles!, questions: [poison, ...repo.roles!.questions] },
    }));
    const codeOnly = tune(
      data.map((repo) => ({ ...repo, roles: undefined })),
      options(),
    );
    expect(tune(poisoned, options(0))).toEqual(codeOnly);
    expect(() => tune(poisoned, options(1))).toThrow('a role question was read');
    // Rewarded for finding docs and tests, the tuner lifts at least one of their factors.
    const joint = tune(data, options(4));
    expect(joint.weights.roles.docs + joint.weights.roles.test).toBeGreaterThan(
      codeOnly.weights.roles.docs + codeOnly.weights.roles.test,
    );
  });
});

describe('held out with role questions', () => {
  it('leaving a repository out trains on none of its role questions and ranks them with the fold’s weights', () => {
    const data = repos();
    const trained: TuneRepo[][] = [];
    const spy = (train: TuneRepo[], o: TuneOptions) => {
      trained.push(train);
      return tune(train, o);
    };
    const held = leaveOneRepositoryOut(data, options(1), spy);
    for (const [i, repo] of data.entries()) {
      const own = new Set(repo.roles!.questions);
      expect(trained[i]!.flatMap((r) => r.roles?.questions ?? []).some((q) => own.has(q))).toBe(false);
      expect(trained[i]!.flatMap((r) => r.roles?.questions ?? []).length).toBeGreaterThan(0);
      expect(held.figures[i]!.roleRanks).toEqual(repo.roles!.questions.map((q) => fastRank(q, held.folds[i]!.weights)));
    }
  });

  it('the odd/even split trains on one half of the role questions and ranks each of the other half once', () => {
    const data = repos();
    const trained: Set<unknown>[] = [];
    const spy = (train: TuneRepo[], o: TuneOptions) => {
      trained.push(new Set(train.flatMap((repo) => repo.roles?.questions ?? [])));
      return tune(train, o);
    };
    const halves = splitByHalves(data, options(1), spy);
    for (const [parity, seen] of trained.entries())
      for (const repo of data)
        for (const [i, question] of repo.roles!.questions.entries()) expect(seen.has(question)).toBe(i % 2 === parity);
    for (const [r, repo] of data.entries())
      for (const [i, question] of repo.roles!.questions.entries())
        expect(halves.figures[r]!.roleRanks![i]).toBe(fastRank(question, halves.folds[1 - (i % 2)]!.weights));
  });
});

describe('eval:tune --role-weight and --sweep', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const output = (args: string[]) => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      run(['--dumps', dir!, '--sweeps', '1', ...args]);
    } finally {
      log.mockRestore();
    }
    return lines.join('\n');
  };

  it('at --role-weight 0 tunes what it tunes without the option, and prints role figures beside the code figures, held out', () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-tune-roles-'));
    for (const seed of [1, 2]) writeFileSync(join(dir, `repo${seed}.json`), JSON.stringify(withRoleQuestions(seed)));
    const plain = output(['--halves']);
    const zero = output(['--halves', '--role-weight', '0']);
    const chosen = (out: string) => out.match(/SEARCH_WEIGHTS='.*'/)![0];
    expect(chosen(zero)).toBe(chosen(plain));
    expect(plain).not.toContain('docs and tests questions\n');
    expect(zero).toContain(
      '(c) held out: each repository ranked with weights tuned on the others: docs and tests questions',
    );
    expect(zero).toContain(
      '(d) held out: odd questions ranked with weights tuned on even ones, and the reverse: docs and tests questions',
    );
    expect(zero).toMatch(/capped mean of the pooled sets \(each repository weighs min\(n, 30\)\): R@5 \d\.\d{3} MRR/);
    const sweep = output(['--sweep', 'roles.docs']);
    expect(sweep).toMatch(/Sweep of roles\.docs alone[\s\S]*\n {2}0\.05 {3}\d\.\d{3}[\s\S]*\n {2}1 {6}\d\.\d{3}/);
    expect(() => output(['--role-weight', 'x'])).toThrow('--role-weight takes a number ≥ 0');
    expect(() => output(['--sweep', 'roles.nothing'])).toThrow('unknown --sweep parameter');
  });
});
