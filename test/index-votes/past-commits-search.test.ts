import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { commit, createFixtureRepo, reindex, type FixtureRepo } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';
import { FileHistory } from '../../src/code-index/store/file-history';

// Project index-votes: SEARCH_WEIGHTS with the similar-past-commits signal alone (test/support/index-settings.ts).
const FILES = {
  'src/limits/bucket.ts': 'export function take(state: { left: number }): boolean {\n  return state.left-- > 0;\n}\n',
  'src/render/page.ts': 'export function renderPage(title: string): string {\n  return title.toUpperCase();\n}\n',
};

async function search(repo: FixtureRepo, q: string, as: 'cursor' | 'gpt' = 'cursor') {
  const result = await call<SearchResponse>('GET', `/ai/search?q=${encodeURIComponent(q)}&k=5`, { as, env: repo.env });
  expectStatus(result, 200);
  return result.body.results;
}

function stubOf(repo: FixtureRepo) {
  const ns = env.REPO_INDEX!;
  return ns.get(ns.idFromName(`${repo.env.PROJECT_ID}:${repo.fullName}@${repo.branch}`));
}

describe('similar past commits, through the search', () => {
  it('finds a file by a past commit through the search, and no commit after the cut-off ever votes', async () => {
    const repo = await createFixtureRepo(FILES);
    await commit(repo, {
      write: { 'src/limits/bucket.ts': `${FILES['src/limits/bucket.ts']}// refill\n` },
      message: 'Throttle outgoing webhooks with a token bucket',
    });
    await reindex(repo);
    const hits = await search(repo, 'throttle webhooks');
    expect(hits[0]).toMatchObject({ path: 'src/limits/bucket.ts' });
    expect(hits[0]!.signals).toContain('history');

    // The same index read under a cut-off before every commit: the walked commits are forgotten, none votes.
    // The object reads the cut-off from its own env: it changes there, for the next run.
    await runInDurableObject(stubOf(repo), (instance) => {
      const changed = { ...env, INDEX_HISTORY_UNTIL: '2001-01-01T00:00:00Z' };
      (instance as unknown as { env: Record<string, unknown> }).env = changed;
    });
    await commit(repo, { write: { 'src/render/page.ts': '// x\n' }, message: 'Render titles in bold type' });
    const status = await reindex(repo);
    expect(status.history).toMatchObject({ commits: 0, until: '2001-01-01T00:00:00Z' });
    for (const q of ['throttle webhooks', 'render titles bold'])
      for (const hit of await search(repo, q)) expect(hit.signals).not.toContain('history');
  });

  it('keeps a secret in a subject out of the index', async () => {
    const repo = await createFixtureRepo(FILES);
    await commit(repo, {
      write: { 'src/limits/bucket.ts': '// rotated\n' },
      message: 'Rotate the bucket key AKIAIOSFODNN7EXAMPLE used by the limiter',
    });
    await reindex(repo);
    // The past commit is found by its other words.
    expect((await search(repo, 'rotate bucket key limiter'))[0]).toMatchObject({ path: 'src/limits/bucket.ts' });
    // Nor is it stored: the index's commit rows hold the redaction marker, never the key.
    const stored = await runInDurableObject(stubOf(repo), (_instance, state) =>
      state.storage.sql.exec<{ subject: string }>('SELECT subject FROM history_commit_fts').toArray(),
    );
    expect(stored.some((row) => row.subject.includes('Rotate the bucket key [REDACTED:'))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('pairs a test with the code it was changed with, from walked history only: a cut-off before the commit forgets them', async () => {
    const repo = await createFixtureRepo({ ...FILES, 'test/bucket.test.ts': 'test("takes", () => {});\n' });
    await commit(repo, {
      write: { 'src/limits/bucket.ts': '// refill\n', 'test/bucket.test.ts': 'test("refills", () => {});\n' },
      message: 'Refill the bucket after a pause',
    });
    await reindex(repo);
    const partners = () =>
      runInDurableObject(
        stubOf(repo),
        (_instance, state) =>
          new FileHistory(state.storage.sql).partners(['test/bucket.test.ts']).get('test/bucket.test.ts') ?? [],
      );
    // The fixture's first commit added every file (a half each); the later one bound the two alone.
    expect(await partners()).toEqual([
      { path: 'src/limits/bucket.ts', share: 1.5 },
      { path: 'src/render/page.ts', share: 0.5 },
    ]);
    await runInDurableObject(stubOf(repo), (instance) => {
      (instance as unknown as { env: Record<string, unknown> }).env = {
        ...env,
        INDEX_HISTORY_UNTIL: '2001-01-01T00:00:00Z',
      };
    });
    await commit(repo, { write: { 'src/render/page.ts': '// x\n' }, message: 'Render titles in bold type' });
    await reindex(repo);
    expect(await partners()).toEqual([]);
  });
});
