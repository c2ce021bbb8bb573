import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { createFixtureRepo, commit, reindex, indexStatus } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';

const FILES = {
  'src/auth/session.ts': `/** Creates a login session for a user and returns its token id. */
export function createSession(userId: string): string {
  const sessionId = crypto.randomUUID();
  sessions.set(sessionId, { userId, createdAt: Date.now() });
  return sessionId;
}

export function revokeSession(sessionId: string): void {
  sessions.delete(sessionId);
  audit('session revoked', sessionId);
}
`,
  'src/billing/invoice.ts': `export class InvoiceCalculator {
  totalWithTax(amount: number, rate: number): number {
    const tax = amount * rate;
    return Math.round((amount + tax) * 100) / 100;
  }
}
`,
  'docs/guide.md': '# Guide\n\n## Deploying\nRun the deploy script to push the worker to production.\n',
};

describe('index pipeline end to end', () => {
  it('indexes the whole tree on the first run and finds known answers', async () => {
    const repo = await createFixtureRepo(FILES);
    const status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'full', headCommit: repo.head });
    expect(status.indexedCommit).toBe(repo.head);
    expect(status.files).toBe(3);
    expect(status.chunks).toBeGreaterThanOrEqual(4);
    expect(status.embedded).toBe(status.chunks);
    expect(status.freshness).toMatchObject({ stale: false, headCommit: repo.head, indexedCommit: repo.head });

    const search = await call<SearchResponse>('GET', '/ai/search?q=invoice%20total%20with%20tax&k=3', {
      as: 'cursor',
      env: repo.env,
    });
    expectStatus(search, 200);
    expect(search.body.results[0]).toMatchObject({
      path: 'src/billing/invoice.ts',
      symbol: 'InvoiceCalculator',
      startLine: 1,
      endLine: 6,
    });
    expect(search.body.results[0]!.signals).toEqual(['lexical', 'vector']);
    expect(search.body.results.length).toBeLessThanOrEqual(3);

    const session = await call<SearchResponse>('GET', '/ai/search?q=revoke%20a%20session&k=5', {
      as: 'gpt',
      env: repo.env,
    });
    expect(session.body.results[0]).toMatchObject({ path: 'src/auth/session.ts', symbol: 'revokeSession' });

    const docs = await call<SearchResponse>('GET', '/ai/search?q=deploy&lang=markdown', {
      as: 'cursor',
      env: repo.env,
    });
    expect(new Set(docs.body.results.map((r) => r.path))).toEqual(new Set(['docs/guide.md']));
    expect(docs.body.results[0]!.symbol).toBe('Guide > Deploying');

    const scoped = await call<SearchResponse>('GET', '/ai/search?q=session&path=src/billing/', {
      as: 'cursor',
      env: repo.env,
    });
    expect(scoped.body.results.every((r) => r.path.startsWith('src/billing/'))).toBe(true);
  });

  it('re-indexes only what changed: modify, rename, delete, add', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const chunksBefore = (await indexStatus(repo)).chunks;

    // Modify one function of a file: only that chunk is new, the other is served from the cache.
    await commit(repo, {
      write: {
        'src/auth/session.ts': FILES['src/auth/session.ts'].replace(
          "audit('session revoked', sessionId);",
          "audit('session revoked by admin', sessionId);",
        ),
      },
    });
    let status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'incremental' });
    expect(status.lastRun!.stats).toMatchObject({
      filesPlanned: 1,
      filesIndexed: 1,
      chunksChanged: 1,
      chunksEmbedded: 1,
      chunksCached: 1,
    });
    expect(status.chunks).toBe(chunksBefore);

    // Rename without content change: nothing is embedded again, the old path disappears.
    await commit(repo, { rename: { 'src/billing/invoice.ts': 'src/billing/invoices.ts' } });
    status = await reindex(repo);
    expect(status.lastRun!.stats).toMatchObject({ filesDeleted: 1, filesIndexed: 1, chunksEmbedded: 0 });
    let found = await call<SearchResponse>('GET', '/ai/search?q=totalWithTax', { as: 'cursor', env: repo.env });
    expect(found.body.results.map((r) => r.path)).toContain('src/billing/invoices.ts');
    expect(found.body.results.map((r) => r.path)).not.toContain('src/billing/invoice.ts');

    // Delete: its chunks leave the index.
    await commit(repo, { delete: ['src/billing/invoices.ts'], write: { 'src/new.ts': 'export const answer = 42;\n' } });
    status = await reindex(repo);
    expect(status.lastRun!.stats).toMatchObject({ filesDeleted: 1, filesIndexed: 1 });
    found = await call<SearchResponse>('GET', '/ai/search?q=totalWithTax', { as: 'cursor', env: repo.env });
    expect(found.body.results.map((r) => r.path)).not.toContain('src/billing/invoices.ts');
    expect(status.files).toBe(3);
    expect(status.indexedCommit).toBe(repo.head);
  });

  it('reports stale freshness when the branch moves past the indexed commit', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const indexed = repo.head;
    await commit(repo, {
      write: {
        'src/extra.ts': 'export function extra() { return 1; }\n',
        'src/auth/session.ts': FILES['src/auth/session.ts'].replace(
          'sessions.delete(sessionId);',
          'sessions.delete(sessionId); // changed',
        ),
      },
    });
    const search = await call<SearchResponse>('GET', '/ai/search?q=revoke%20session%20invoice%20total', {
      as: 'gpt',
      env: repo.env,
    });
    expectStatus(search, 200);
    expect(search.body.freshness).toMatchObject({
      indexedCommit: indexed,
      headCommit: repo.head,
      stale: true,
      running: false,
    });
    expect(search.body.freshness.indexedAt).toBeTruthy();
    // Per hit: the commit its file was indexed at, and whether that file changed since.
    const paths = search.body.results.map((r) => r.path);
    expect(paths).toContain('src/auth/session.ts');
    expect(paths).toContain('src/billing/invoice.ts');
    for (const hit of search.body.results)
      expect(hit).toMatchObject({ indexedCommit: indexed, changedSince: hit.path === 'src/auth/session.ts' });

    // The status is one read of the index object: its freshness agrees with the run it reports.
    const status = await reindex(repo);
    expect(status.freshness).toMatchObject({ stale: false, indexedCommit: repo.head, headCommit: repo.head });
    expect(status.lastRun).toMatchObject({ headCommit: repo.head });
    const after = await call<SearchResponse>('GET', '/ai/search?q=revoke%20session%20invoice%20total', {
      as: 'gpt',
      env: repo.env,
    });
    for (const hit of after.body.results) expect(hit).toMatchObject({ indexedCommit: repo.head, changedSince: false });
  });

  it('honours .hezlepignore, and a change to it re-diffs the whole tree', async () => {
    const repo = await createFixtureRepo({ ...FILES, '.hezlepignore': '# keep docs out\ndocs/\n' });
    let status = await reindex(repo);
    expect(status.skipped.sample).toContainEqual({ path: 'docs/guide.md', reason: 'ignored' });
    let docs = await call<SearchResponse>('GET', '/ai/search?q=deploy%20script', { as: 'cursor', env: repo.env });
    expect(docs.body.results.map((r) => r.path)).not.toContain('docs/guide.md');

    await commit(repo, { write: { '.hezlepignore': '# docs are welcome now\n' } });
    status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'tree-diff' });
    expect(status.lastRun!.stats.filesIndexed).toBe(2); // the guide and the ignore file itself
    docs = await call<SearchResponse>('GET', '/ai/search?q=deploy%20script', { as: 'cursor', env: repo.env });
    expect(docs.body.results[0]!.path).toBe('docs/guide.md');

    // A new rule takes an unchanged, already indexed file out of the index.
    await commit(repo, { write: { '.hezlepignore': 'src/billing/\n' } });
    status = await reindex(repo);
    expect(status.skipped.sample).toContainEqual({ path: 'src/billing/invoice.ts', reason: 'ignored' });
    const billing = await call<SearchResponse>('GET', '/ai/search?q=InvoiceCalculator', {
      as: 'cursor',
      env: repo.env,
    });
    expect(billing.body.results.map((r) => r.path)).not.toContain('src/billing/invoice.ts');
  });

  it('a run with nothing new ends as up_to_date without reading any blob', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'up_to_date' });
  });
});
