import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { FileHistory } from '../../src/code-index/store/file-history';
import { FileIndex } from '../../src/code-index/store/file-index';
import { rankFiles, DEFAULT_WEIGHTS } from '../../src/code-index/ranking/files';

// Searches through the Worker with the votes signal alone run in the index-votes project (test/index-votes).

async function inObject<T>(work: (sql: SqlStorage) => T): Promise<T> {
  const ns = env.REPO_INDEX!;
  const stub = ns.get(ns.idFromName(`past-commits-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => work(state.storage.sql));
}

/** A store with these indexed files and these commits (newest first, as a backfill walks them). */
function seeded(sql: SqlStorage, paths: string[], commits: { subject: string; files: string[] }[]): FileHistory {
  const index = new FileIndex(sql);
  for (const path of paths) index.write(path, 'typescript', [{ symbol: null, text: 'x' }], 'x');
  const history = new FileHistory(sql);
  commits.forEach((c, i) => {
    history.record(
      { sha: `c${i}`, date: `2020-01-${String(28 - i).padStart(2, '0')}` },
      c.subject,
      toFiles(c.files),
      false,
    );
  });
  return history;
}

function toFiles(paths: string[]): { path: string; previousPath?: string }[] {
  return paths.map((path) => {
    const [now, before] = path.split('<-');
    return before ? { path: now!, previousPath: before } : { path: now! };
  });
}

const spec = (top: number, alpha = 0.5) => ({ top, alpha });

describe('similar past commits', () => {
  it('votes for the files a matching commit changed, split across them, from the top commits only', async () => {
    await inObject((sql) => {
      const history = seeded(
        sql,
        ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts', 'only.ts'],
        [
          { subject: 'Retry webhook delivery', files: ['only.ts'] },
          { subject: 'Retry webhook delivery', files: ['a.ts', 'b.ts', 'c.ts', 'd.ts'] },
          { subject: 'Render the page title', files: ['e.ts'] },
        ],
      );
      const votes = history.votes('"retry" OR "webhook"', {}, spec(10), 10);
      // The same similarity: the one-file commit gives its file the whole vote, the four-file one a half (4^0.5) each.
      expect(votes.map((v) => v.path)).toEqual(['only.ts', 'a.ts', 'b.ts', 'c.ts', 'd.ts']);
      expect(votes[1]!.score).toBeCloseTo(votes[0]!.score / 2, 6);
      // α = 1 splits the vote evenly; α = 0 gives every file the whole vote.
      expect(history.votes('"retry" OR "webhook"', {}, spec(10, 1), 10)[1]!.score).toBeCloseTo(votes[0]!.score / 4, 6);
      expect(history.votes('"retry" OR "webhook"', {}, spec(10, 0), 10)[1]!.score).toBeCloseTo(votes[0]!.score, 6);
      // Only the `top` commits vote, and no more than `limit` files come back.
      expect(history.votes('"retry" OR "webhook"', {}, spec(1), 10).map((v) => v.path)).toHaveLength(1);
      expect(history.votes('"retry" OR "webhook"', {}, spec(10), 2)).toHaveLength(2);
      expect(history.votes('"retry" OR "webhook"', {}, spec(0), 10)).toEqual([]);
      // Filters apply to the indexed file.
      expect(history.votes('"retry"', { path: 'a' }, spec(10), 10).map((v) => v.path)).toEqual(['a.ts']);
    });
  });

  it('follows renames and leaves out files no longer indexed', async () => {
    await inObject((sql) => {
      const history = seeded(
        sql,
        ['src/new-name.ts'],
        [
          // Newest first: the rename is learned before the older commit that changed the old path.
          { subject: 'Move the limiter', files: ['src/new-name.ts<-src/old-name.ts'] },
          { subject: 'Throttle outgoing webhooks', files: ['src/old-name.ts', 'src/deleted.ts'] },
        ],
      );
      expect(history.votes('"throttle" OR "webhooks"', {}, spec(10), 10).map((v) => v.path)).toEqual([
        'src/new-name.ts',
      ]);
    });
  });

  it('learns a move from a commit too large to describe files, so older commits still vote for the moved file', async () => {
    await inObject((sql) => {
      const history = seeded(sql, ['packages/core/src/store.ts'], []);
      // Newest first: a move of many files (the walk gives it no subject), then an older commit under the old path.
      history.record(
        { sha: 'move', date: '2020-02-01' },
        null,
        [{ path: 'packages/core/src/store.ts', previousPath: 'src/store.ts' }],
        false,
      );
      const touched = history.record(
        { sha: 'old', date: '2020-01-01' },
        'Reset the store state',
        [{ path: 'src/store.ts' }],
        false,
      );
      history.refresh(touched);
      expect(history.votes('"reset" OR "store"', {}, spec(10), 10).map((v) => v.path)).toEqual([
        'packages/core/src/store.ts',
      ]);
      expect(history.files('"reset"', {}, 10).map((f) => f.path)).toEqual(['packages/core/src/store.ts']);
    });
  });

  it('an index walked before the commit rows existed gets them from its kept history entries once', async () => {
    await inObject((sql) => {
      seeded(sql, ['a.ts', 'b.ts'], [{ subject: 'Retry webhook delivery', files: ['a.ts', 'b.ts'] }]);
      for (const table of ['history_commit_rows', 'history_commit_files', 'history_commit_fts'])
        sql.exec(`DELETE FROM ${table}`);
      const reopened = new FileHistory(sql);
      expect(reopened.votes('"retry"', {}, spec(10), 10).map((v) => v.path)).toEqual(['a.ts', 'b.ts']);
    });
  });

  it('takes the commit rows of a long kept history page by page, none lost at a page boundary', async () => {
    await inObject((sql) => {
      // More commits than two pages of the migration (500 each), each to its own file (a file keeps only
      // its newest HISTORY_PER_FILE entries), with shas sorting across the page boundaries.
      const total = 1_201;
      const paths = Array.from({ length: total }, (_, i) => `f${i}.ts`);
      const history = seeded(sql, paths, []);
      for (let i = 0; i < total; i++)
        history.record(
          { sha: `s${String(i).padStart(5, '0')}`, date: '2020-01-01T00:00:00Z' },
          i === total - 1 ? 'Retry webhook delivery' : `Change number ${i}`,
          toFiles([paths[i]!]),
          false,
        );
      for (const table of ['history_commit_rows', 'history_commit_files', 'history_commit_fts'])
        sql.exec(`DELETE FROM ${table}`);
      const reopened = new FileHistory(sql);
      expect(sql.exec<{ n: number }>('SELECT count(*) AS n FROM history_commit_rows').one().n).toBe(total);
      expect(reopened.votes('"retry"', {}, spec(10), 10).map((v) => v.path)).toEqual([`f${total - 1}.ts`]);
    });
  });

  it('ranks a file whose past commit matches the question above one that no commit describes', () => {
    const input = {
      files: [
        { path: 'src/other.ts', score: 1 },
        { path: 'src/limits/bucket.ts', score: 0.9 },
      ],
      commits: [{ path: 'src/limits/bucket.ts', score: 3 }],
      lexical: [],
      vector: [],
    };
    const ranked = rankFiles('throttle webhooks', input, DEFAULT_WEIGHTS);
    expect(ranked[0]).toMatchObject({ path: 'src/limits/bucket.ts' });
    expect(ranked[0]!.signals).toContain('history');
    expect(rankFiles('throttle webhooks', input, { ...DEFAULT_WEIGHTS, commits: 0 })[0]!.path).toBe('src/other.ts');
  });
});
