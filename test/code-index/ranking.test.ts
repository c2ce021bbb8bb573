import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, rankFiles, weightsFor } from '../../src/code-index/ranking/files';
import { askedRoles, pathPrior, pathRole, ROLE_FACTORS } from '../../src/code-index/ranking/path-prior';
import { leadingDoc, summarizeFile, summaryText, MAX_SUMMARY_CHARS } from '../../src/code-index/summary/file-summary';

describe('file ranking', () => {
  it('ranks files, not chunks: ten matching chunks of one file do not outvote a better file', () => {
    const lexical = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: i + 1, path: 'src/big.ts', score: 5 - i * 0.1 })),
      { id: 100, path: 'src/exact.ts', score: 6 },
    ];
    const ranked = rankFiles('parse the header', {
      files: [
        { path: 'src/exact.ts', score: 9 },
        { path: 'src/big.ts', score: 6 },
      ],
      lexical,
      vector: [],
    });
    expect(ranked.map((file) => file.path)).toEqual(['src/exact.ts', 'src/big.ts']);
    // Ten chunks count no more than the best plus `extraChunks` of them.
    const few = rankFiles('parse the header', {
      files: [
        { path: 'src/exact.ts', score: 9 },
        { path: 'src/big.ts', score: 6 },
      ],
      lexical: lexical.filter((chunk) => chunk.path === 'src/exact.ts' || chunk.id <= 1 + DEFAULT_WEIGHTS.extraChunks),
      vector: [],
    });
    expect(few.find((file) => file.path === 'src/big.ts')!.score).toBeCloseTo(ranked[1]!.score, 9);
    // The bonus for further chunks is bounded: best chunk plus at most `extraChunks` of the rest, scaled by `extra`.
    const big = ranked[1]!;
    expect(big.chunks).toHaveLength(10);
    expect(big.score).toBeLessThanOrEqual(
      DEFAULT_WEIGHTS.file + DEFAULT_WEIGHTS.chunk * (1 + DEFAULT_WEIGHTS.extra * DEFAULT_WEIGHTS.extraChunks) + 1e-9,
    );
  });

  it('chunkAbsent (off by default) gives a file the lexical chunk list left out a share of its last value', () => {
    const input = {
      files: [
        { path: 'src/named.ts', score: 8 },
        { path: 'src/chunky.ts', score: 10 },
      ],
      lexical: [
        { id: 1, path: 'src/chunky.ts', score: 4 },
        { id: 2, path: 'src/other.ts', score: 2 },
      ],
      vector: [],
    };
    const off = rankFiles('parse the header', input);
    const named = (ranked: typeof off) => ranked.find((file) => file.path === 'src/named.ts')!.score;
    expect(named(off)).toBeCloseTo(DEFAULT_WEIGHTS.file * 0.8, 9);
    const on = rankFiles('parse the header', input, { ...DEFAULT_WEIGHTS, chunkAbsent: 0.5 });
    // The list's last value scales to 2 / 4: half of it.
    expect(named(on)).toBeCloseTo(DEFAULT_WEIGHTS.file * 0.8 + DEFAULT_WEIGHTS.chunk * 0.25, 9);
    // A file in the list keeps its own chunk value.
    expect(on.find((file) => file.path === 'src/chunky.ts')!.score).toBeCloseTo(
      off.find((file) => file.path === 'src/chunky.ts')!.score,
      9,
    );
  });

  it('puts tests, docs and benchmarks below source unless the question asks for them', () => {
    const files = [
      { path: 'src/router.test.ts', score: 10 },
      { path: 'docs/router.md', score: 9.5 },
      { path: 'bench/router.bench.ts', score: 9.2 },
      { path: 'src/router.ts', score: 8 },
    ];
    expect(rankFiles('match a route', { files, lexical: [], vector: [] })[0]!.path).toBe('src/router.ts');
    expect(rankFiles('route matching tests', { files, lexical: [], vector: [] })[0]!.path).toBe('src/router.test.ts');
    expect(rankFiles('router docs', { files, lexical: [], vector: [] })[0]!.path).toBe('docs/router.md');
    expect(rankFiles('route matching benchmark', { files, lexical: [], vector: [] })[0]!.path).toBe(
      'bench/router.bench.ts',
    );
    // "performance" alone is about the code ("fix a performance bug in the router"), not its benchmarks.
    expect(askedRoles('fix a performance bug with --after-context').has('bench')).toBe(false);
    // Testing's own words ask for tests (dumps7: 6 more of 134 tests questions in the top 5; code and docs unchanged).
    expect([...askedRoles('Add coverage for Item.__delitem__()')]).toEqual(['test']);
    expect([...askedRoles("unflake MCP cli-core 'click link' on Firefox")]).toEqual(['test']);
    expect([...askedRoles('fix a flaky reconnect')]).toEqual(['test']);
    expect(askedRoles('cover the empty case of the parser').has('test')).toBe(false);
    expect(rankFiles('route matching performance', { files, lexical: [], vector: [] })[0]!.path).toBe('src/router.ts');
  });

  it('keeps the role factors measured on code and role questions (docs 0.3: an unasked doc outranks code only by a lead over 3.3×)', () => {
    // docs/search-quality.md, "the role factors chosen on both kinds": a change here needs a new measurement.
    expect(ROLE_FACTORS).toEqual({
      test: 0.05,
      bench: 0.2,
      example: 0.25,
      generated: 1,
      docs: 0.3,
      config: 0.05,
      tooling: 0.75,
    });
    const ranked = (docScore: number) =>
      rankFiles('how routes are matched', {
        files: [
          { path: 'docs/routing.md', score: docScore },
          { path: 'src/router.ts', score: 3 },
        ],
        lexical: [],
        vector: [],
      })[0]!.path;
    expect(ranked(9)).toBe('src/router.ts');
    expect(ranked(11)).toBe('docs/routing.md');
  });

  it('adds the vector signal by its weight, and not at all at weight 0', () => {
    const input = {
      files: [
        { path: 'a.ts', score: 5 },
        { path: 'b.ts', score: 4.9 },
      ],
      lexical: [],
      vector: [
        { id: 7, path: 'b.ts', score: 0.9 },
        { id: 8, path: 'a.ts', score: 0.1 },
      ],
    };
    expect(rankFiles('q', input)[0]!.path).toBe('b.ts');
    expect(rankFiles('q', input)[0]!.signals).toEqual(['lexical', 'vector']);
    expect(rankFiles('q', input, weightsFor('local-hash-v1-384', { vector: 0 }))[0]!.path).toBe('a.ts');
    expect(weightsFor('text-embedding-3-small').vector).toBe(DEFAULT_WEIGHTS.vector);
  });

  it('tells roles from paths', () => {
    const cases: [string, string][] = [
      ['src/a.ts', 'source'],
      ['packages/x/__tests__/a.spec.ts', 'test'],
      ['context_test.go', 'test'],
      ['test/helpers.js', 'test'],
      ['packages/pinia/test-dts/store.test-d.ts', 'test'],
      ['benchmarks/run.ts', 'bench'],
      ['examples/server.js', 'example'],
      ['CHANGELOG.md', 'docs'],
      ['docs/guide/intro.md', 'docs'],
      ['index.d.ts', 'generated'],
      ['lib/core/Axios.js', 'source'],
    ];
    for (const [path, role] of cases) expect(pathRole(path), path).toBe(role);
    expect([...askedRoles('flaky spec for the parser')]).toEqual(['test']);
    expect(pathPrior('src/a.test.ts', askedRoles('unit tests of a'))).toBe(1);
    expect(pathPrior('src/a.test.ts', askedRoles('parse a'))).toBeLessThan(1);
  });
});

describe('history and learned docs in the ranking', () => {
  it('adds the history field by its weight, and not at all at weight 0', () => {
    const input = {
      files: [
        { path: 'src/a.ts', score: 5 },
        { path: 'src/b.ts', score: 4.5 },
      ],
      history: [{ path: 'src/b.ts', score: 3 }],
      lexical: [],
      vector: [],
    };
    const ranked = rankFiles('throttle webhooks', input, { ...DEFAULT_WEIGHTS, history: 0.5 });
    expect(ranked.map((file) => file.path)).toEqual(['src/b.ts', 'src/a.ts']);
    expect(ranked[0]!.signals).toEqual(['history', 'lexical']);
    const without = rankFiles('throttle webhooks', input, { ...DEFAULT_WEIGHTS, history: 0 });
    expect(without.map((file) => file.path)).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it('adds the plain words signal by its weight; at weight 0 the ranking is exactly the one without it', () => {
    const input = {
      files: [
        { path: 'src/a.ts', score: 5 },
        { path: 'src/b.ts', score: 4.5 },
      ],
      lexical: [{ id: 1, path: 'src/a.ts', score: 2 }],
      vector: [{ id: 2, path: 'src/b.ts', score: 0.5 }],
    };
    const words = [
      { path: 'src/b.ts', score: 8 },
      { path: 'src/c.ts', score: 7 },
    ];
    const ranked = rankFiles('parse header', { ...input, words }, { ...DEFAULT_WEIGHTS, words: 1 });
    expect(ranked.map((file) => file.path)).toEqual(['src/b.ts', 'src/a.ts', 'src/c.ts']);
    expect(ranked.find((file) => file.path === 'src/c.ts')!.signals).toEqual(['lexical']);
    const off = rankFiles('parse header', { ...input, words }, { ...DEFAULT_WEIGHTS, words: 0 });
    const absent = rankFiles('parse header', input, { ...DEFAULT_WEIGHTS, words: 0 });
    expect(off).toEqual(absent);
    expect(off.map((file) => file.path)).toEqual(['src/a.ts', 'src/b.ts']);
    // It holds code only: without wordsWhenAsked, a question asking for tests leaves it out.
    const forTests = rankFiles(
      'parse header tests',
      { ...input, words },
      { ...DEFAULT_WEIGHTS, wordsWhenAsked: false },
    );
    expect(forTests).toEqual(rankFiles('parse header tests', input, DEFAULT_WEIGHTS));
    // A docs lean learned from history is no named role: the signal stays.
    const leaning = rankFiles('parse header', { ...input, words }, DEFAULT_WEIGHTS, 1);
    expect(leaning.find((file) => file.path === 'src/c.ts')).toBeDefined();
    const kept = rankFiles('parse header tests', { ...input, words }, { ...DEFAULT_WEIGHTS, wordsWhenAsked: true });
    expect(kept.map((file) => file.path)).toEqual(ranked.map((file) => file.path));
  });

  it("asks for docs by the repository's own docs commits when its history can say, by the word list otherwise", () => {
    // "doc" in a code question keeps docs below code once the history leans to code.
    expect(askedRoles('fix the doc comment of the summary printer').has('docs')).toBe(true);
    expect(askedRoles('fix the doc comment of the summary printer', -2).has('docs')).toBe(false);
    // A question that sounds like the docs commits lifts the docs penalty without any listed word.
    expect(askedRoles('explain installation on windows', 1.5).has('docs')).toBe(true);
    const files = [
      { path: 'GUIDE.md', score: 10 },
      { path: 'crates/core/main.rs', score: 6 },
    ];
    const asked = rankFiles('installation on windows', { files, lexical: [], vector: [] }, DEFAULT_WEIGHTS, 1.5);
    expect(asked[0]!.path).toBe('GUIDE.md');
    const code = rankFiles('installation on windows', { files, lexical: [], vector: [] }, DEFAULT_WEIGHTS, -1.5);
    expect(code[0]!.path).toBe('crates/core/main.rs');
  });

  it("asks for tests by the repository's own tests commits: a positive lean adds tests, a named test word stays", () => {
    // Worded like a code commit, but the history says such subjects change tests.
    expect(askedRoles('make the parser reject empty input', null, 1.2).has('test')).toBe(true);
    expect(askedRoles('make the parser reject empty input', null, -1.2).has('test')).toBe(false);
    expect(askedRoles('make the parser reject empty input').has('test')).toBe(false);
    // A question that names tests gets tests, whatever its lean; the tests lean leaves the docs decision alone.
    expect(askedRoles('add tests for the parser', null, -3).has('test')).toBe(true);
    expect([...askedRoles('explain installation on windows', 1.5, 1.2)].sort()).toEqual(['docs', 'test']);
    const files = [
      { path: 'tests/parser.test.ts', score: 10 },
      { path: 'src/parser.ts', score: 6 },
    ];
    const anyLean = { ...DEFAULT_WEIGHTS, testsMargin: 0 };
    const rank = (lean: number | null, weights = anyLean) =>
      rankFiles('reject empty input', { files, lexical: [], vector: [] }, weights, null, lean)[0]!.path;
    expect(rank(1.2)).toBe('tests/parser.test.ts');
    expect(rank(-1.2)).toBe('src/parser.ts');
    expect(rank(null)).toBe('src/parser.ts');
    // Switched off (the ablation), or a lean short of the margin: tests keep their penalty.
    expect(rank(1.2, { ...anyLean, learnedTests: false })).toBe('src/parser.ts');
    expect(rank(1.2, { ...anyLean, testsMargin: 1.5 })).toBe('src/parser.ts');
    expect(rank(1.2, { ...anyLean, testsMargin: 1 })).toBe('tests/parser.test.ts');
    // The shipped margin asks for a lean above 5 (measured: below it code questions lost MRR).
    expect(rank(4.9, DEFAULT_WEIGHTS)).toBe('src/parser.ts');
    expect(rank(5.1, DEFAULT_WEIGHTS)).toBe('tests/parser.test.ts');
    // SEARCH_WEIGHTS may switch it off for an evaluation variant.
    expect(weightsFor('local-hash', { learnedTests: false }).learnedTests).toBe(false);
  });

  it('treats prose files without a docs name or folder as docs (Markdown, text, no known language)', () => {
    expect(pathRole('FAQ.md')).toBe('docs');
    expect(pathRole('complete/_rg')).toBe('docs');
    expect(pathRole('crates/core/flags/doc/template.rg.1')).toBe('docs');
    expect(pathRole('crates/core/main.rs')).toBe('source');
    expect(pathRole('Cargo.toml')).toBe('config');
  });
});

describe('configuration and tooling files', () => {
  it('tells configuration and tooling from code by file type and place', () => {
    const config = [
      'package.json',
      'packages/pinia/api-extractor.json',
      'tsconfig.json',
      'Cargo.toml',
      'Cargo.lock',
      'yarn.lock',
      'pnpm-lock.yaml',
      'go.sum',
      '.github/workflows/ci.yml',
      '.circleci/config.yml',
      'ci/ubuntu-install-packages',
      'Makefile',
      'Dockerfile',
      'tox.ini',
      'build.sh',
    ];
    for (const path of config) expect(pathRole(path), path).toBe('config');
    // Program code in a configuration place is tooling: its own factor, and in the code-words table.
    const tooling = [
      'rollup.config.mjs',
      'packages/x/vite.config.ts',
      '.eslintrc.cjs',
      'scripts/release.mjs',
      'scripts/cmd/test.js',
    ];
    for (const path of tooling) expect(pathRole(path), path).toBe('tooling');
    const source = [
      'packages/compiler-sfc/src/script/defineProps.ts',
      'packages/astro/src/core/config/config.ts',
      'lib/helpers/resolveConfig.js',
      'crates/core/main.rs',
      'build.rs',
      'scrapy/settings/default_settings.py',
    ];
    for (const path of source) expect(pathRole(path), path).toBe('source');
    // A test or a doc stays what it is, wherever it lives.
    expect(pathRole('scripts/release.test.ts')).toBe('test');
    expect(pathRole('.github/CONTRIBUTING.md')).toBe('docs');
  });

  it('puts configuration below the code a question is about, unless it asks for configuration', () => {
    const files = [
      { path: 'package.json', score: 7 },
      { path: '.github/workflows/release.yml', score: 6.8 },
      { path: 'rollup.config.mjs', score: 6.5 },
      { path: 'src/store.ts', score: 6 },
    ];
    expect(rankFiles('store subscription order', { files, lexical: [], vector: [] })[0]!.path).toBe('src/store.ts');
    expect(rankFiles('run the release workflow on tags', { files, lexical: [], vector: [] })[0]!.path).toBe(
      'package.json',
    );
    expect(askedRoles('rollup bundler output').has('config')).toBe(true);
    // The factor is a weight (SEARCH_WEIGHTS `roles`): at 1 the role costs nothing.
    const off = rankFiles(
      'store subscription order',
      { files, lexical: [], vector: [] },
      weightsFor('x', { roles: { config: 1 } }),
    );
    expect(off[0]!.path).toBe('package.json');
    expect(weightsFor('x', { roles: { config: 1 } }).roles.test).toBe(DEFAULT_WEIGHTS.roles.test);
    expect(pathPrior('package.json', new Set(), { ...DEFAULT_WEIGHTS.roles, config: 0.2 })).toBe(0.2);
    expect(pathPrior('package.json', new Set())).toBe(DEFAULT_WEIGHTS.roles.config);
  });
});

describe('file summary', () => {
  it('lists exports, declarations with the first sentence of their doc comment, and imports (TypeScript)', () => {
    const text = [
      "import { z } from 'zod';",
      "import type { Chunk } from '../chunking/chunk';",
      '/** Parses a header. More detail here. */',
      'export function parseHeader(line: string) {',
      '  return line;',
      '}',
      'export class Router {}',
      'export { helper as publicHelper };',
    ].join('\n');
    const chunks = [
      { symbol: null, kind: 'imports', text: text.split('\n').slice(0, 2).join('\n') },
      { symbol: 'parseHeader', kind: 'function', text: text.split('\n').slice(2, 6).join('\n') },
      { symbol: 'Router', kind: 'class', text: 'export class Router {}' },
      { symbol: 'Router.route', kind: 'method', text: 'route() {}' },
    ];
    const summary = summarizeFile(text, 'typescript', chunks);
    expect(summary.exports).toEqual(['parseHeader', 'Router', 'publicHelper']);
    expect(summary.imports).toEqual(['zod', '../chunking/chunk']);
    expect(summary.declarations).toEqual([
      { name: 'parseHeader', kind: 'function', doc: 'Parses a header.' },
      { name: 'Router', kind: 'class', doc: null },
    ]);
    expect(summaryText(summary)).toBe(
      'exports: parseHeader, Router, publicHelper\ndeclares: function parseHeader (Parses a header.); class Router\nimports: zod, ../chunking/chunk',
    );
  });

  it('reads Go and Python, and stays bounded', () => {
    const go =
      'package gin\n\nimport (\n\t"net/http"\n\tjson "encoding/json"\n)\n\n// Context is the request context.\ntype Context struct{}\n\nfunc (c *Context) JSON(code int) {}\nfunc helper() {}\n';
    const summary = summarizeFile(go, 'go', [
      { symbol: 'Context', kind: 'type', text: '// Context is the request context.\ntype Context struct{}' },
      { symbol: 'Context.JSON', kind: 'method', text: 'func (c *Context) JSON(code int) {}' },
    ]);
    expect(summary).toEqual({
      exports: ['JSON', 'Context'],
      declarations: [
        { name: 'Context', kind: 'type', doc: 'Context is the request context.' },
        { name: 'Context.JSON', kind: 'method', doc: null },
      ],
      imports: ['net/http', 'encoding/json'],
    });
    expect(leadingDoc('def load(path):\n    """Load the file at path. Then more."""\n    pass')).toBe(
      'Load the file at path.',
    );
    expect(leadingDoc('// eslint-disable-next-line\nconst x = 1;')).toBeNull();
    const many = Array.from({ length: 400 }, (_, i) => `export const someRatherLongExportedName${i} = ${i};`).join(
      '\n',
    );
    expect(summaryText(summarizeFile(many, 'typescript', [])).length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
  });
});
