import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ChunkCandidate,
  DEFAULT_WEIGHTS,
  type FileRankWeights,
  rankFiles,
} from '../../src/code-index/ranking/files';
import { rankLists } from '../../src/code-index/ranking/file-search';
import { askedRoles, pathPrior, pathRole } from '../../src/code-index/ranking/path-prior';
import { loadDump, rankDumpQuestion } from '../../src/tools/eval/dump-rank';
import { FEATURE_NAMES, FEATURES, type LtrQuestion, modelRank } from '../../src/tools/eval/ltr-features';
import { type Learner, learnHalves, learnLeaveOneOut, LEARNERS, ltrRepo } from '../../src/tools/eval/ltr-eval';
import { trainLinear } from '../../src/tools/eval/ltr-linear';
import { TREES_DEFAULTS, trainTrees } from '../../src/tools/eval/ltr-trees';
import { figures } from '../../src/tools/eval/metrics';
import { contributions } from '../../src/tools/eval/tune-explain';
import { tuneRepo } from '../../src/tools/eval/tune-search';
import { run } from '../../src/tools/eval-tune';
import { syntheticDump } from './support/synthetic-dump';

// The synthetic dumps plant one rule: the relevant file tops the history list (its history score
// is boosted past every other), while the file list is mostly noise and was ranked without history.
const dumps = () => [1, 2, 3].map((seed) => loadDump(syntheticDump(`repo${seed}`, { seed })));
const weights: FileRankWeights = DEFAULT_WEIGHTS;
const ltrRepos = () => dumps().map((dump) => ltrRepo(tuneRepo(dump), weights));
// Fewer trees and smaller leaves than the defaults: the synthetic training set has about 2,000 rows.
const smallTrees = { ...TREES_DEFAULTS, trees: 30, minRows: 20 };
const feature = (q: LtrQuestion, row: number, name: string) => q.x[row * FEATURES + FEATURE_NAMES.indexOf(name)]!;

describe('learned ranker: features', () => {
  it('a candidate’s list values are what rankFiles computes for it, signal by signal; its candidates are the files rankFiles ranks', () => {
    // Some files get further chunks in both chunk lists (a synthetic dump has one chunk a file per list).
    const plain = dumps()[0]!;
    const further = (list: ChunkCandidate[], from: number) =>
      [...list, ...list.slice(0, 6).map((c, k) => ({ id: from + k, path: c.path, score: c.score / (2 + k) }))].sort(
        (a, b) => b.score - a.score,
      );
    const dump = {
      ...plain,
      questions: plain.questions.map((question) => ({
        ...question,
        lists: {
          ...question.lists,
          lexical: further(question.lists.lexical, 10_000),
          vector: further(question.lists.vector, 20_000),
        },
      })),
    };
    const repo = ltrRepo(tuneRepo(dump), weights);
    const rests = repo.questions.flatMap((q) => Array.from(q.candidates, (_, row) => feature(q, row, 'chunk.rest')));
    expect(rests.filter((value) => value > 0).length).toBeGreaterThan(dump.questions.length);
    const off = { file: 0, words: 0, history: 0, commits: 0, chunk: 0, vector: 0, priors: false };
    const alone: [string[], Partial<FileRankWeights>][] = [
      [['file'], { file: 1 }],
      [['words'], { words: 1 }],
      [['history'], { history: 1 }],
      [['commits'], { commits: 1 }],
      [['chunk.best'], { chunk: 1, extra: 0 }],
      [['chunk.best', 'chunk.rest'], { chunk: 1, extra: 1, extraChunks: 1000 }],
      [['vector.best'], { vector: 1, extra: 0 }],
      [['vector.best', 'vector.rest'], { vector: 1, extra: 1, extraChunks: 1000 }],
    ];
    for (const [qi, question] of dump.questions.entries()) {
      const q = repo.questions[qi]!;
      const paths = Array.from(q.candidates, (i) => q.prepared.paths[i]!);
      const ranked = rankLists(question.query, question.lists, question, weights);
      expect([...paths].sort()).toEqual(ranked.map((file) => file.path).sort());
      const asked = askedRoles(question.query, question.docsLean);
      for (const [names, only] of alone) {
        const scores = new Map(
          rankFiles(question.query, question.lists, { ...weights, ...off, ...only }, question.docsLean).map((file) => [
            file.path,
            file.score,
          ]),
        );
        for (const [row, path] of paths.entries()) {
          const sum = names.reduce((total, name) => total + feature(q, row, name), 0);
          expect(sum, `${names.join('+')} of ${path} in question ${qi}`).toBeCloseTo(scores.get(path) ?? 0, 12);
        }
      }
      for (const [row, path] of paths.entries()) {
        const c = contributions(question, path, weights);
        for (const list of ['files', 'words', 'history', 'commits', 'lexical', 'vector'] as const) {
          const inPlay = list !== 'words' || feature(q, row, 'wordsOn') === 1;
          expect(feature(q, row, `1/rank.${list}`)).toBe(inPlay && c.ranks[list] ? 1 / c.ranks[list] : 0);
        }
        const role = pathRole(path);
        expect(feature(q, row, `role.${role}`)).toBe(1);
        expect(feature(q, row, 'asked')).toBe(asked.has(role) ? 1 : 0);
        // The path prior acts exactly where the role is not asked for.
        const unasked = role !== 'source' && feature(q, row, `unasked.${role}`) === 1;
        expect(pathPrior(path, asked, weights.roles)).toBe(unasked ? weights.roles[role as 'test'] : 1);
        const facts = dump.facts(path);
        expect(feature(q, row, 'log.commits')).toBe(Math.log1p(facts?.commits ?? 0));
      }
    }
  });

  it('ranking by a model that scores as rankFiles does gives the rank of the /ai/search cut (rankDumpQuestion)', () => {
    const dump = dumps()[1]!;
    const repo = ltrRepo(tuneRepo(dump), weights);
    for (const [qi, question] of dump.questions.entries()) {
      const q = repo.questions[qi]!;
      const scores = new Map(
        rankLists(question.query, question.lists, question, weights).map((f) => [f.path, f.score]),
      );
      const asRankFiles = {
        score: (_x: Float64Array, row: number) => scores.get(q.prepared.paths[q.candidates[row]!]!)!,
      };
      expect(modelRank(asRankFiles, q, weights)).toBe(rankDumpQuestion(question, weights).rank);
    }
  });
});

describe('learned ranker: training', () => {
  for (const [name, learn] of [
    ['pairwise linear', trainLinear],
    ['LambdaMART trees', (train: LtrQuestion[]) => trainTrees(train, smallTrees)],
  ] as const)
    it(`${name} recovers the planted rule on a repository it never saw, and trains the same model twice`, () => {
      const [a, b, c] = ltrRepos();
      const train = [...a!.questions, ...b!.questions];
      const model = learn(train);
      const ranks = c!.questions.map((q) => modelRank(model, q, weights));
      expect(figures(ranks).recall1).toBe(1);
      // The dump itself (ranked without history) does not find them all first.
      expect(figures(dumps()[2]!.questions.map((q) => q.searchRank)).recall1).toBeLessThan(0.8);
      expect(JSON.stringify(learn(train))).toBe(JSON.stringify(model));
      const again = learn(train);
      expect(c!.questions.map((q) => modelRank(again, q, weights))).toEqual(ranks);
    });
});

describe('learned ranker: held out', () => {
  it('leaving a repository out never trains on its questions; the odd/even split trains on one half and ranks the other', () => {
    const repos = ltrRepos();
    const trained: Set<LtrQuestion>[] = [];
    const spy: Learner = (train) => {
      trained.push(new Set(train));
      return LEARNERS.linear!(train);
    };
    const held = learnLeaveOneOut(repos, spy, weights);
    expect(trained).toHaveLength(3);
    for (const [r, repo] of repos.entries()) {
      for (const [o, other] of repos.entries())
        for (const question of other.questions) expect(trained[r]!.has(question)).toBe(o !== r);
      expect(held.figures[r]!.ranks).toHaveLength(repo.questions.length);
    }
    trained.length = 0;
    const halves = learnHalves(repos, spy, weights);
    for (const [parity, seen] of trained.entries())
      for (const repo of repos)
        for (const [i, question] of repo.questions.entries()) expect(seen.has(question)).toBe(i % 2 === parity);
    expect(halves.figures.map((f) => f.search.queries)).toEqual(repos.map((repo) => repo.questions.length));
  });
});

describe('eval:tune --learn', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the model in-sample (labelled so) and held out beside the linear tuner, reading its figures from --against', () => {
    const at = mkdtempSync(join(tmpdir(), 'eval-learn-'));
    dir = at;
    for (const seed of [1, 2])
      writeFileSync(join(at, `repo${seed}.json`), JSON.stringify(syntheticDump(`repo${seed}`, { seed })));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      run(['--dumps', at, '--sweeps', '1', '--halves', '--out', join(at, 'linear.out')]);
      lines.length = 0;
      run(['--dumps', at, '--learn', 'linear', '--against', join(at, 'linear.out')]);
      expect(() => run(['--dumps', at, '--learn', 'forest', '--against', join(at, 'linear.out')])).toThrow(
        /unknown learner/,
      );
    } finally {
      log.mockRestore();
    }
    const out = lines.join('\n');
    expect(out).toContain('(e) linear, trained on all 2 (IN-SAMPLE: not a held-out figure)');
    expect(out).toContain('(f) linear, held out: leave one repository out');
    expect(out).toContain('against the linear tuner held out the same way (odd/even questions)');
    expect(out).toMatch(/earns shipping .*: (yes|no)/);
  });
});
