/** File sets for fixture repositories, shared by the index tests of several vitest projects. */

export function manyFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++)
    files[`src/mod${String(i).padStart(2, '0')}.ts`] =
      `export function handler${i}(input: string): string {\n  const value = input.trim();\n  return value + '${i}';\n}\n`;
  return files;
}

export const TS_FILE = (name: string) =>
  `export function ${name}(input: string): string {\n  const value = input.trim();\n  return value + '${name}';\n}\n`;

/** Two small files whose history the history tests write. */
export const HISTORY_FILES = {
  'src/limits/bucket.ts': 'export function take(state: { left: number }): boolean {\n  return state.left-- > 0;\n}\n',
  'src/render/page.ts': 'export function renderPage(title: string): string {\n  return `<h1>${title}</h1>`;\n}\n',
};

/** A router with its test, its docs and unrelated services: the search tests' repository. */
const cases = Array.from(
  { length: 12 },
  (_, i) =>
    `  it('matches route ${i} by its path', () => {\n    expect(matchRoute(routes, '/users/${i}')).toBeTruthy();\n  });\n`,
).join('\n');

export const ROUTER_FILES = {
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
