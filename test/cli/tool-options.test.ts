import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { optionProblem, optionValues } from '../../src/tools/cli-options';

const options = { usage: 'usage', values: ['repo', 'minutes'], numbers: ['minutes'], flags: ['misses'] };

describe('optionProblem', () => {
  it('accepts declared options, repeated values and flags', () => {
    expect(optionProblem(['--repo', 'a', '--repo', 'b', '--misses', '--minutes', '45'], options)).toBeNull();
    expect(optionProblem([], options)).toBeNull();
  });

  it('names the first unknown option, a missing or non-numeric value and a stray argument', () => {
    expect(optionProblem(['--repos', 'a'], options)).toBe('unknown option --repos');
    expect(optionProblem(['--repo'], options)).toBe('--repo needs a value');
    expect(optionProblem(['--repo', '--misses'], options)).toBe('--repo needs a value');
    expect(optionProblem(['--minutes', 'ten'], options)).toBe('--minutes needs a number, not "ten"');
    expect(optionProblem(['--misses', 'extra'], options)).toBe('unexpected argument "extra"');
  });

  it("names a required option left out, and reads each option's last value", () => {
    const strict = { ...options, required: ['repo'] };
    expect(optionProblem(['--misses'], strict)).toBe('--repo is required');
    expect(optionProblem(['--help'], strict)).toBe('help');
    expect(optionValues(['--repo', 'a', '--misses', '--repo', 'b'], strict)).toEqual({ repo: 'b', misses: 'true' });
  });

  it('answers --help and -h wherever they stand', () => {
    expect(optionProblem(['--repo', 'a', '--help'], options)).toBe('help');
    expect(optionProblem(['-h'], options)).toBe('help');
  });
});

/** The tools themselves, as a developer calls them: nothing starts before the command line is checked. */
describe('evaluation and bench tools', () => {
  const tool = (script: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });

  it.each([
    ['src/tools/eval-search.ts', 'npm run eval:search'],
    ['src/tools/eval-commits.ts', 'npm run eval:commits'],
    ['src/tools/bench/code-index.ts', 'npm run bench:index'],
    ['src/tools/eval-tune.ts', 'npm run eval:tune'],
    ['src/tools/eval-evidence.ts', 'npm run eval:evidence'],
  ])('%s prints its usage for --help and refuses a misspelt option with exit 2', (script, usage) => {
    const help = tool(script, '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(usage);
    const typo = tool(script, '--rpeo', '/nowhere');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/unknown option '?--rpeo'?/i);
    expect(typo.stderr).toContain(usage);
    expect(typo.stdout).toBe('');
  });
});
