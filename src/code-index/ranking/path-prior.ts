import { codeTokens } from './tokens';
import { languageOf } from '../chunking/languages';

/**
 * What a file is, from its path: source ranks above tests, benchmarks, examples, docs, generated
 * code, configuration (manifests, data files, lock files, CI) and tooling (program code in a
 * configuration place: scripts/release.mjs, vite.config.ts, .eslintrc.js).
 */
export type PathRole = 'source' | 'test' | 'bench' | 'example' | 'docs' | 'generated' | 'config' | 'tooling';

const ROLE_PATTERNS: [PathRole, RegExp][] = [
  [
    'test',
    /(^|\/)(__tests__|__test__|__mocks__|tests?|test-dts|specs?|e2e|testdata|fixtures?|__fixtures__)\/|[._-](test|spec)(-d)?\.[a-z0-9]+$|_test\.go$|(^|\/)test_[^/]+\.py$|(^|\/)conftest\.py$/i,
  ],
  ['bench', /(^|\/)(bench|benches|benchmarks?|perf)\/|[._-](bench|benchmark)\.[a-z0-9]+$|(^|\/)bench_[^/]+$/i],
  ['example', /(^|\/)(examples?|samples?|demos?|playground|sandbox)\//i],
  ['generated', /\.d\.ts$|(^|\/)(gen|autogen)\/|[._-](gen|generated)\.[a-z0-9]+$/i],
  [
    'docs',
    /\.(md|mdx|rst|txt|adoc)$|(^|\/)(docs?|documentation)\/|(^|\/)(changelog|changes|history|license|authors|contributing)(\.[a-z]+)?$/i,
  ],
  [
    'config',
    /(^|\/)\.(github|circleci|gitlab|husky|vscode|devcontainer|changeset|cargo)\/|(^|\/)(scripts|ci)\/|\.config\.[a-z0-9]+$|(^|\/)\.[a-z0-9_-]+rc(\.[a-z0-9]+)?$|\.lock$|(^|\/)go\.(sum|mod)$|[._-]lock\.(json|ya?ml)$/i,
  ],
];

/** Data, manifest and build-tool formats: configuration wherever they live (package.json, Cargo.toml, *.yml, Makefile). */
const CONFIG_LANGUAGES = new Set([
  'json',
  'yaml',
  'toml',
  'ini',
  'xml',
  'dockerfile',
  'makefile',
  'shell',
  'powershell',
]);

/** Prose by its file type (Markdown, text, or no known language at all): documentation wherever it lives. */
export function isProse(path: string): boolean {
  const language = languageOf(path);
  return language === 'markdown' || language === 'text';
}

/** Program code by its file type (not data, manifest, build-tool formats or prose), whatever its role. */
export function isProgram(path: string): boolean {
  return !CONFIG_LANGUAGES.has(languageOf(path)) && !isProse(path);
}

export function pathRole(path: string): PathRole {
  for (const [role, pattern] of ROLE_PATTERNS)
    if (pattern.test(path)) return role === 'config' && isProgram(path) ? 'tooling' : role;
  if (CONFIG_LANGUAGES.has(languageOf(path))) return 'config';
  return isProse(path) ? 'docs' : 'source';
}

/** Words that ask for configuration; they ask for tooling too (a config file written as code). */
const CONFIG_ASKS = [
  'ci',
  'workflow',
  'workflows',
  'lint',
  'linter',
  'eslint',
  'tsconfig',
  'rollup',
  'webpack',
  'bundler',
  'dockerfile',
  'makefile',
  'toml',
  'yaml',
  'yml',
];

/** Query words that ask for a role, which then loses its penalty. */
const ASKS: Record<Exclude<PathRole, 'source'>, string[]> = {
  test: [
    'test',
    'tests',
    'spec',
    'specs',
    'testing',
    'unittest',
    'fixture',
    'mock',
    'e2e',
    'coverage',
    'flaky',
    'unflake',
  ],
  // Not 'performance' alone: "fix a performance bug in X" is about X's code (ripgrep's history).
  bench: ['bench', 'benchmark', 'benchmarks', 'perf'],
  example: ['example', 'examples', 'sample', 'demo', 'playground'],
  generated: ['generated', 'declaration', 'declarations', 'typings', 'dts'],
  docs: ['doc', 'docs', 'documentation', 'readme', 'changelog', 'guide', 'markdown'],
  config: CONFIG_ASKS,
  // Not 'script' alone: vue's questions about <script setup> are about the compiler.
  tooling: [...CONFIG_ASKS, 'scripts', 'tooling'],
};

/** How much of its score a file keeps for its role (source keeps all; so does a role the question asks for). */
export type RoleFactors = Record<Exclude<PathRole, 'source'>, number>;

/**
 * Tuned offline with the rest of the weights (npm run eval:tune over eval:search dumps of the eight
 * evaluation repositories; docs/search-quality.md, "Offline tuning"): tests and configuration data
 * nearly out of a code question's way, tooling written as code barely below it. Docs keep 0.3, chosen
 * on code and docs questions together (eval:tune --role-weight; "the role factors chosen on both
 * kinds"): every held-out fold picks it, the code questions lose nothing, docs questions gain. They act
 * only when the question does not ask for the role. `generated` is 1 because the only `.d.ts` files
 * committed there are hand-written declarations (axios's index.d.ts).
 */
export const ROLE_FACTORS: RoleFactors = {
  test: 0.05,
  bench: 0.2,
  example: 0.25,
  generated: 1,
  docs: 0.3,
  config: 0.05,
  tooling: 0.75,
};

/**
 * The roles a question asks for ("… in the tests", "docs for …"). Whether it asks for documentation
 * is learned from the repository's history when it can say (`docsLean`: > 0 sounds like its docs
 * commits); the word list decides only without enough history. A question that sounds like the
 * tests commits (`testsLean` > 0) asks for tests too; one that names tests asks for them whatever
 * its lean (a question naming tests gets tests).
 */
export function askedRoles(
  question: string,
  docsLean: number | null = null,
  testsLean: number | null = null,
): Set<PathRole> {
  const words = new Set([...question.toLowerCase().matchAll(/[a-z0-9]+/g)].map((m) => m[0]));
  for (const token of codeTokens(question)) words.add(token);
  const out = new Set<PathRole>();
  for (const [role, asks] of Object.entries(ASKS) as [PathRole, string[]][])
    if (asks.some((word) => words.has(word))) out.add(role);
  if (docsLean !== null) {
    if (docsLean > 0) out.add('docs');
    else out.delete('docs');
  }
  if (testsLean !== null && testsLean > 0) out.add('test');
  return out;
}

/** `factors`: the ranking's (FileRankWeights.roles; SEARCH_WEIGHTS may change them for an evaluation). */
export function pathPrior(path: string, asked: Set<PathRole>, factors: RoleFactors = ROLE_FACTORS): number {
  const role = pathRole(path);
  return role === 'source' || asked.has(role) ? 1 : factors[role];
}
