import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { COCHANGE_CAP, type CochangePartners } from '../../src/code-index/ranking/cochange';
import { DEFAULT_WEIGHTS, rankFiles } from '../../src/code-index/ranking/files';
import { FileHistory } from '../../src/code-index/store/file-history';
import { PARTNER_COMMITS } from '../../src/code-index/store/past-commits';

async function inObject<T>(work: (sql: SqlStorage) => T): Promise<T> {
  const ns = env.REPO_INDEX!;
  const stub = ns.get(ns.idFromName(`cochange-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => work(state.storage.sql));
}

/** Commits newest first, as a backfill walks them; `a<-b` is a rename of b to a. */
function walked(sql: SqlStorage, commits: string[][]): FileHistory {
  const history = new FileHistory(sql);
  commits.forEach((files, i) => {
    const changed = files.map((path) => {
      const [now, before] = path.split('<-');
      return before ? { path: now!, previousPath: before } : { path: now! };
    });
    const date = new Date(Date.UTC(2020, 0, 1) - i * 60_000).toISOString();
    history.record({ sha: `c${i}`, date }, `Change ${i}`, changed, false);
  });
  return history;
}

describe('co-change partners (the history the index walked)', () => {
  it('binds files changed together, a commit touching two files fully and a sweep weakly, under current paths', async () => {
    await inObject((sql) => {
      const history = walked(sql, [
        ['src/middleware/vite-plugin.ts<-src/middleware/plugin.ts'],
        ['test/middleware-hmr.test.ts', 'src/middleware/plugin.ts'],
        ['test/middleware-hmr.test.ts', 'src/middleware/vite-plugin.ts'],
        ['test/middleware-hmr.test.ts', 'src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts'],
        ['test/middleware-hmr.test.ts'],
        ['docs/guide.md', 'src/a.ts'],
      ]);
      const found = history.partners(['test/middleware-hmr.test.ts', 'src/never-changed.ts']);
      // The renamed file's older commit counts under its current path: 1 + 1; the four-file sweep gives each 1/4.
      expect(found.get('test/middleware-hmr.test.ts')).toEqual([
        { path: 'src/middleware/vite-plugin.ts', share: 2 },
        { path: 'src/a.ts', share: 0.25 },
        { path: 'src/b.ts', share: 0.25 },
        { path: 'src/c.ts', share: 0.25 },
        { path: 'src/d.ts', share: 0.25 },
      ]);
      expect(found.has('src/never-changed.ts')).toBe(false);
      expect(history.partners([]).size).toBe(0);
    });
  });

  it(`reads at most ${PARTNER_COMMITS} of a file's newest commits`, async () => {
    await inObject((sql) => {
      const commits = Array.from({ length: PARTNER_COMMITS + 5 }, (_, i) => [
        'CHANGELOG.md',
        i < PARTNER_COMMITS ? 'src/recent.ts' : 'src/old.ts',
      ]);
      const found = walked(sql, commits).partners(['CHANGELOG.md']).get('CHANGELOG.md')!;
      expect(found).toEqual([{ path: 'src/recent.ts', share: PARTNER_COMMITS }]);
    });
  });
});

describe('co-change in the ranking', () => {
  const question = 'fix middleware hmr behaviour';
  const lists = {
    files: [
      { path: 'test/middleware-hmr.test.ts', score: 10 },
      { path: 'src/core/render.ts', score: 6 },
      { path: 'src/core/middleware/vite-plugin.ts', score: 3 },
    ],
    lexical: [],
    vector: [],
  };
  const partners: CochangePartners = (paths) =>
    new Map(
      paths.map((path) => [
        path,
        path === 'test/middleware-hmr.test.ts'
          ? [
              { path: 'src/core/middleware/vite-plugin.ts', share: 2 },
              { path: 'test/other.test.ts', share: 5 },
            ]
          : [],
      ]),
    );

  it('lifts the source file a demoted test was changed with, but not past the file ranked first without it', () => {
    const off = rankFiles(question, lists, { ...DEFAULT_WEIGHTS, cochange: 0 });
    expect(off.map((file) => file.path)).toEqual([
      'src/core/render.ts',
      'src/core/middleware/vite-plugin.ts',
      'test/middleware-hmr.test.ts',
    ]);
    const small = rankFiles(question, { ...lists, partners }, { ...DEFAULT_WEIGHTS, cochange: 0.05 });
    const plugin = (ranked: typeof off) => ranked.find((file) => file.path === 'src/core/middleware/vite-plugin.ts')!;
    // The test's fused value (0.75: the file list's best) × 0.05 joins the partner's.
    expect(plugin(small).score).toBeCloseTo(plugin(off).score + 0.05 * 0.75, 9);
    expect(small.map((file) => file.path)).toEqual(off.map((file) => file.path));
    // A large weight would carry it past the leader: it stops just below.
    const large = rankFiles(question, { ...lists, partners }, { ...DEFAULT_WEIGHTS, cochange: 5 });
    expect(plugin(large).score).toBeCloseTo(off[0]!.score * COCHANGE_CAP, 9);
    expect(large.map((file) => file.path)).toEqual(off.map((file) => file.path));
    // Only source partners gain; the test itself and a test partner keep their score.
    for (const file of large.filter((f) => f.path !== 'src/core/middleware/vite-plugin.ts'))
      expect(file.score).toBe(off.find((f) => f.path === file.path)!.score);
  });

  it('moves a partner up past other files, never past the two ranked first without it', () => {
    const four = {
      ...lists,
      files: [...lists.files, { path: 'src/core/errors.ts', score: 5 }, { path: 'src/core/logger.ts', score: 4 }],
    };
    const off = rankFiles(question, four, { ...DEFAULT_WEIGHTS, cochange: 0 });
    expect(off.map((file) => file.path).slice(0, 4)).toEqual([
      'src/core/render.ts',
      'src/core/errors.ts',
      'src/core/logger.ts',
      'src/core/middleware/vite-plugin.ts',
    ]);
    const on = rankFiles(question, { ...four, partners }, { ...DEFAULT_WEIGHTS, cochange: 0.5 });
    expect(on.map((file) => file.path).slice(0, 4)).toEqual([
      'src/core/render.ts',
      'src/core/errors.ts',
      'src/core/middleware/vite-plugin.ts',
      'src/core/logger.ts',
    ]);
    // However large the weight, it stops just below the second file (a correct second file keeps its place).
    const large = rankFiles(question, { ...four, partners }, { ...DEFAULT_WEIGHTS, cochange: 50 });
    const plugin = large.find((file) => file.path === 'src/core/middleware/vite-plugin.ts')!;
    expect(plugin.score).toBeCloseTo(off[1]!.score * COCHANGE_CAP, 9);
    expect(large.map((file) => file.path).slice(0, 3)).toEqual(on.map((file) => file.path).slice(0, 3));
  });

  it('at weight 0 changes nothing and asks for no partners; a question naming tests or docs lends nothing', () => {
    let asked = 0;
    const counting: CochangePartners = (paths) => {
      asked++;
      return partners(paths);
    };
    const none = rankFiles(question, lists, { ...DEFAULT_WEIGHTS, cochange: 0 });
    expect(rankFiles(question, { ...lists, partners: counting }, { ...DEFAULT_WEIGHTS, cochange: 0 })).toEqual(none);
    expect(rankFiles(question, lists, { ...DEFAULT_WEIGHTS, cochange: 0.5 })).toEqual(none);
    expect(asked).toBe(0);
    for (const named of ['fix the middleware hmr tests', 'explain middleware hmr in the docs'])
      expect(rankFiles(named, { ...lists, partners: counting }, { ...DEFAULT_WEIGHTS, cochange: 0.5 })).toEqual(
        rankFiles(named, lists, { ...DEFAULT_WEIGHTS, cochange: 0 }),
      );
    expect(asked).toBe(0);
    // Without the path prior nothing is demoted, so nothing lends.
    const flat = { ...DEFAULT_WEIGHTS, priors: false };
    expect(rankFiles(question, { ...lists, partners: counting }, { ...flat, cochange: 0.5 })).toEqual(
      rankFiles(question, lists, { ...flat, cochange: 0 }),
    );
  });
});
