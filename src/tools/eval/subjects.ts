/**
 * Which commit subjects make evaluation questions, and which files count as code. Pure, so the rule
 * can be tested and documented on its own (docs/search-quality.md states it word for word).
 */

const SOURCE_EXTENSIONS = new Set(
  'ts tsx mts cts js jsx mjs cjs vue svelte astro py go rs java kt rb php cs c h cc cpp hpp swift scala'.split(' '),
);

const NOT_CODE_PATH =
  /(^|\/)(__tests__|__test__|__mocks__|tests?|test-dts|specs?|e2e|testdata|fixtures?|__fixtures__|benchmarks?|examples?|docs?|playground)\/|\.(test|spec|bench)(-d)?\.[a-z]+$|_test\.go$|(^|\/)test_[^/]+\.py$/i;

/**
 * A code file: a source extension, and not a test, spec, fixture, benchmark, example, docs or
 * playground file. The files a question may name as relevant, and the only files the
 * "BM25, code files only" baseline reads.
 */
export function isCodeFile(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > 0 && SOURCE_EXTENSIONS.has(path.slice(dot + 1).toLowerCase()) && !NOT_CODE_PATH.test(path);
}

/** A conventional-commit prefix, `type(scope)!: `, of any type. */
const PREFIX = /^([a-z]+)(?:\(([^)]*)\))?!?:\s*/i;

/** Conventional types whose commits change no behaviour a question could be about. */
const SKIPPED_TYPES = new Set(['chore', 'ci', 'build', 'release', 'docs', 'doc', 'test', 'tests', 'style', 'revert']);

/** Subjects of commits that are about releasing, dependencies, typos or CI, whatever their prefix. */
const SKIPPED_SUBJECT: [string, RegExp][] = [
  ['release', /^(release|releasing|prepare (for )?release|publish)\b|^v?\d+\.\d+(\.\d+)?([-.+\w]*)?\b|\brelease v?\d/i],
  ['version bump', /\b(bump|bumps|bumped|bumping)\b.*\bversions?\b|\bversion (bump|to v?\d)|^version\b|^v\d/i],
  [
    'dependency bump',
    /\b(bump|bumps|bumped|bumping|upgrade|upgrades|update|updates|updated|pin|pins)\b.*(\bdep(endenc(y|ies)|s)?\b|\bfrom v?\d[\w.-]* to v?\d)|\bdependabot\b|\brenovate\b|\b(devDependencies|package-lock|yarn\.lock|pnpm-lock|go\.sum|Cargo\.lock)\b/i,
  ],
  ['typo', /\btypos?\b|\bspelling\b|\bmisspell/i],
  ['ci', /\bci\b|\bgithub actions?\b|\bworkflows?\b|\btravis\b|\bappveyor\b|\bcircleci\b/i],
  ['revert', /^revert\b/i],
  ['merge', /^merge (branch|pull request|remote-tracking)\b/i],
];

export type SubjectVerdict = { question: string } | { skipped: string };

/**
 * Which set a question belongs to: `code` (the answers are code files), `docs` or `tests` (every file
 * the commit changed has that role by the path prior's `pathRole`: the role questions).
 */
export type QuestionKind = 'code' | 'docs' | 'tests';

/** Conventional types a role question may have: a docs question's `docs:` prefix is removed, not skipped. */
const ROLE_TYPES: Record<QuestionKind, string[]> = { code: [], docs: ['docs', 'doc'], tests: ['test', 'tests'] };

/**
 * The question a commit subject asks, or why it asks none. Any subject counts, conventional or
 * plain: the `type(scope)!:` prefix and trailing `(#123)` references are removed, and what is left
 * must have at least `minWords` words. Left out: conventional types chore, ci, build, release,
 * docs, test, style and revert; and any subject about a release, a version or dependency bump, a
 * typo, CI or a merge (`SKIPPED_SUBJECT`). For a docs question the types docs and doc are kept (their
 * prefix removed like any other), for a tests question test and tests; everything else is the same.
 */
export function questionFromSubject(subject: string, minWords = 4, kind: QuestionKind = 'code'): SubjectVerdict {
  let text = subject.trim();
  const prefix = PREFIX.exec(text);
  if (prefix) {
    const type = prefix[1]!.toLowerCase();
    const scope = (prefix[2] ?? '').toLowerCase();
    if (SKIPPED_TYPES.has(type) && !ROLE_TYPES[kind].includes(type)) return { skipped: `type ${type}` };
    if (/^(deps?|deps-dev|release|ci)$/.test(scope)) return { skipped: `scope ${scope}` };
    text = text.slice(prefix[0].length);
  }
  text = text.replace(/(\s*\(#\d+\))+\s*$/, '').trim();
  for (const [reason, pattern] of SKIPPED_SUBJECT) if (pattern.test(text)) return { skipped: reason };
  if (text.split(/\s+/).filter(Boolean).length < minWords) return { skipped: 'fewer words' };
  return { question: text };
}
