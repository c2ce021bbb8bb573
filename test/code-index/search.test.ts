import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { createFixtureRepo, reindex } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';
import { ROUTER_FILES as FILES } from '../support/index-repos';

describe('search ranks files', () => {
  it('puts the source above its test and docs, groups at most two chunks per file, and returns file summaries', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const found = await call<SearchResponse>('GET', '/ai/search?q=match%20a%20route%20by%20request%20path&k=10', {
      as: 'gpt',
      env: repo.env,
    });
    expectStatus(found, 200);
    const results = found.body.results;
    expect(results[0]).toMatchObject({ path: 'src/router.ts', fileRank: 1, symbol: 'matchRoute' });
    expect(results[0]!.summary).toContain('exports: matchRoute, addRoute');
    expect(results[0]!.summary).toContain(
      'function matchRoute (Finds the route whose pattern matches a request path.)',
    );
    expect(results[0]!.summary).toContain('imports: ./path');
    // The test file has twelve matching chunks and still brings at most two, after the source.
    const perFile = new Map<string, number>();
    for (const hit of results) perFile.set(hit.path, (perFile.get(hit.path) ?? 0) + 1);
    expect(Math.max(...perFile.values())).toBeLessThanOrEqual(2);
    // Hits come grouped by file, in file rank order.
    const ranks = results.map((hit) => hit.fileRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(results.findIndex((hit) => hit.path === 'src/router.test.ts')).toBeGreaterThan(0);

    // Asking for tests lifts the test file's penalty.
    const tests = await call<SearchResponse>('GET', '/ai/search?q=matchRoute%20tests&k=5', {
      as: 'cursor',
      env: repo.env,
    });
    expect(tests.body.results[0]!.path).toBe('src/router.test.ts');
  });

  it('filters by path prefix and language on the file-level index too', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const scoped = await call<SearchResponse>('GET', '/ai/search?q=route%20path&path=docs/', {
      as: 'cursor',
      env: repo.env,
    });
    expect(scoped.body.results.map((hit) => hit.path)).toEqual(['docs/routing.md']);
    const markdown = await call<SearchResponse>('GET', '/ai/search?q=route%20path&lang=markdown', {
      as: 'cursor',
      env: repo.env,
    });
    expect(new Set(markdown.body.results.map((hit) => hit.path))).toEqual(new Set(['docs/routing.md']));
  });
});
