import { describe, expect, it } from 'vitest';
import { isCodeFile, questionFromSubject } from '../../src/tools/eval/subjects';

// The evaluation's question rule (docs/search-quality.md, "Questions"): a change here changes every figure.
describe('questionFromSubject', () => {
  it('takes plain subjects of at least four words, and conventional ones without their prefix', () => {
    expect(questionFromSubject('skip chmod on pre-existing dirs in SaveUploadedFile')).toEqual({
      question: 'skip chmod on pre-existing dirs in SaveUploadedFile',
    });
    expect(questionFromSubject('fix(runtime-core): keep slot fallback when empty (#123)')).toEqual({
      question: 'keep slot fallback when empty',
    });
    expect(questionFromSubject('refactor!: split the router tree lookup')).toEqual({
      question: 'split the router tree lookup',
    });
    expect(questionFromSubject('Fix glob loader')).toEqual({ skipped: 'fewer words' });
    expect(questionFromSubject('feat: add two things', 5)).toEqual({ skipped: 'fewer words' });
  });

  it('leaves out releases, version and dependency bumps, typos, CI, chores, docs, tests and reverts', () => {
    const skipped = [
      'Release 5.2.0 with the new router',
      'v3.4.1 published to the registry',
      'Bump version to 1.2.3 for release',
      'Bump vite from 5.0.1 to 5.0.2 in /packages',
      'chore(deps): update all non-major dependencies',
      'fix(deps): update dependency esbuild to v0.21',
      'Update dependencies of the example apps',
      'fix a typo in the error message',
      'Fix spelling of the option name',
      'Run the CI jobs on windows too',
      'Move the workflows to reusable actions',
      'chore: clean up the build scripts',
      'ci: cache the cargo registry between jobs',
      'docs: explain the retry behaviour better',
      'test: cover the empty header case',
      'Revert "add PDF renderer and tests"',
    ];
    for (const subject of skipped) expect(questionFromSubject(subject), subject).toHaveProperty('skipped');
  });
});

describe('isCodeFile', () => {
  it('is source code, not tests, specs, fixtures, docs, examples or benchmarks', () => {
    for (const path of [
      'context.go',
      'packages/astro/src/core/app.ts',
      'scrapy/crawler.py',
      'crates/ignore/src/walk.rs',
    ])
      expect(isCodeFile(path), path).toBe(true);
    for (const path of [
      'context_test.go',
      'tests/test_crawler.py',
      'packages/runtime-core/__tests__/slots.spec.ts',
      'src/types.test-d.ts',
      'test/fixtures/app.ts',
      'docs/guide/index.ts',
      'examples/basic/main.go',
      'benchmarks/bench.rs',
      'README.md',
      'package.json',
    ])
      expect(isCodeFile(path), path).toBe(false);
  });
});
