import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { createFixtureRepo, reindex } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';

const cases = Array.from(
  { length: 12 },
  (_, i) =>
    `  it('matches route ${i} by its path', () => {\n    expect(matchRoute(routes, '/users/${i}')).toBeTruthy();\n  });\n`,
).join('\n');

const FILES = {
  'src/router.ts': `import { parsePath } from './path';

/** Finds the route whose pattern matches a request path. */
export function matchRoute(routes: Route[], path: string): Route | null {
  const parts = parsePath(path);
  return routes.find((route) => route.pattern.test(parts.join('/'))) ?? null;
}

/** Registers a route for a path pattern. */
export function addRoute(routes: Route[], pattern: string): void {
  routes.push({ pattern: new RegExp(pattern) });
}
`,
  'src/router.test.ts': `import { matchRoute } from './router';\n\ndescribe('matchRoute', () => {\n${cases}});\n`,
  'docs/routing.md': '# Routing\n\nA route matches a request path; matchRoute finds the route for a path.\n',
  'src/path.ts': 'export function parsePath(path: string): string[] {\n  return path.split("/").filter(Boolean);\n}\n',
  // Unrelated code, so that the question's words are rare enough to weigh something (BM25's IDF).
  ...Object.fromEntries(
    ['billing', 'mailer', 'cache', 'queue', 'metrics', 'session', 'upload', 'search'].map((name) => [
      `src/${name}.ts`,
      `/** The ${name} service. */\nexport function start${name[0]!.toUpperCase()}${name.slice(1)}(options: Options): void {\n  configure('${name}', options);\n}\n`,
    ]),
  ),
};

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

  it('finds files through the file-level index alone (no chunk or vector signal)', async () => {
    const repo = await createFixtureRepo(FILES, { SEARCH_WEIGHTS: '{"chunk":0,"vector":0}' });
    await reindex(repo);
    const found = await call<SearchResponse>('GET', '/ai/search?q=match%20a%20route&k=5', {
      as: 'cursor',
      env: repo.env,
    });
    expect(found.body.results[0]).toMatchObject({ path: 'src/router.ts', fileRank: 1, signals: ['lexical'] });
  });
});
