import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WEIGHTS, rankFiles } from '../../src/code-index/ranking/files';
import type { TermEvidence } from '../../src/code-index/ranking/term-evidence';
import { run as runEvidence } from '../../src/tools/eval-evidence';
import { run as runTune } from '../../src/tools/eval-tune';
import { loadDump, rankDumpQuestion } from '../../src/tools/eval/dump-rank';
import { type EvidenceFile, evidenceForDump, evidenceOf } from '../../src/tools/eval/evidence';
import { readEvidence } from '../../src/tools/eval/evidence-file';
import { fastRank, prepareQuestion } from '../../src/tools/eval/fast-rank';
import { indexedFiles } from '../../src/tools/eval/indexed-files';
import type { SearchDump } from '../../src/tools/eval/search-dump';
import { candidateQuestion } from '../support/candidate-question';
import { EVIDENCE_FEATURES, FEATURE_PARAMS } from '../../src/tools/eval/tune-space';
import { syntheticDump } from './support/synthetic-dump';

/** Deterministic evidence in [0, 1] (zeros and ones included) for every candidate of a dump. */
function syntheticEvidence(dump: SearchDump): EvidenceFile {
  let state = 17;
  const next = () => {
    state = (state * 48271) % 2147483647;
    const value = (state % 1000) / 999;
    return value < 0.1 ? 0 : value > 0.9 ? 1 : Math.round(value * 1e4) / 1e4;
  };
  return {
    version: 1,
    name: dump.name,
    commit: dump.commit,
    questions: dump.questions.map((question) => {
      const paths = new Set(Object.values(question.lists).flatMap((list) => list.map((c: { path: string }) => c.path)));
      return {
        query: question.query,
        files: Object.fromEntries([...paths].sort().map((path) => [path, [next(), next(), next(), next()]])),
      };
    }),
  };
}

const lookup = (file: EvidenceFile, i: number) => (path: string) => {
  const values = file.questions[i]!.files[path];
  return values && evidenceOf(values);
};

describe('per-term evidence in the ranking', () => {
  it('changes nothing at weight 0 (the default), and reorders files once a weight is on', () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 21 }));
    const evidence = syntheticEvidence(dump);
    let moved = 0;
    for (const [i, question] of dump.questions.entries()) {
      const plain = rankFiles(question.query, question.lists, DEFAULT_WEIGHTS, question.docsLean);
      const lists = { ...question.lists, evidence: lookup(evidence, i) };
      expect(rankFiles(question.query, lists, DEFAULT_WEIGHTS, question.docsLean)).toEqual(plain);
      const on = rankFiles(question.query, lists, { ...DEFAULT_WEIGHTS, coverage: 1, defines: 0.5 }, question.docsLean);
      if (on.map((f) => f.path).join() !== plain.map((f) => f.path).join()) moved++;
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('the fast scorer gives rankFiles’ rank for every value of every evidence feature, alone and together, with and without file facts', () => {
    const dump = loadDump(syntheticDump('synthetic', { seed: 23 }));
    const evidence = syntheticEvidence(dump);
    const prepared = dump.questions.map((question, i) => prepareQuestion(question, dump.facts, lookup(evidence, i)));
    const all = { ...DEFAULT_WEIGHTS, coverage: 0.5, span: 1, defines: 0.25, declares: 0.5, activity: 0.5 };
    for (const name of EVIDENCE_FEATURES) {
      const param = FEATURE_PARAMS[name]!;
      for (const value of param.values)
        for (const weights of [param.set(DEFAULT_WEIGHTS, value), param.set(all, value)])
          for (const [i, question] of dump.questions.entries()) {
            const where = `${name}=${value} question ${i}`;
            const ev = lookup(evidence, i);
            expect(fastRank(prepared[i]!, weights), where).toBe(
              rankDumpQuestion(question, weights, undefined, ev).rank,
            );
            expect(fastRank(prepared[i]!, weights, true), where).toBe(
              rankDumpQuestion(question, weights, dump.facts, ev).rank,
            );
          }
    }
  });
});

describe('eval:evidence on a tiny repository', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const git = (repo: string, ...args: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.test', ...args], {
      encoding: 'utf8',
    }).trim();

  /** A repository of a few files, committed; returns its commit. */
  function repository(root: string, files: Record<string, string>): string {
    mkdirSync(root, { recursive: true });
    git(root, 'init', '-q');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'files');
    return git(root, 'rev-parse', 'HEAD');
  }

  const FILES = {
    'src/keys.ts': 'export function parseKeyTable(input: string) {\n  return input.split("\\n");\n}\n',
    'src/noise.ts': `${'const key = 1; // key key key\n'.repeat(30)}`,
    'src/use.ts': 'import { parseKeyTable } from "./keys";\nexport const rows = parseKeyTable("a");\n',
    'src/all.ts': '// fix parseKeyTable for Sätteri\n',
    'src/far.ts': `// parseKeyTable\n${'\n'.repeat(200)}// fix Sätteri\n`,
    'src/other.py': 'def unrelated():\n    return 1\n',
  };
  const QUERY = 'fix `parseKeyTable()` for Satteri';

  it('scores coverage, span, defines and declares from the text at the commit, diacritics folded', () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-evidence-'));
    const commit = repository(join(dir, 'repo'), FILES);
    const paths = Object.keys(FILES);
    const { file, missing } = evidenceForDump(
      { name: 'repo', commit, questions: [candidateQuestion(QUERY, [...paths, 'src/gone.ts'])] },
      indexedFiles(join(dir, 'repo'), commit),
    );
    expect(missing).toBe(1);
    const of = (path: string): TermEvidence => evidenceOf(file.questions[0]!.files[path]!);
    // Every term, written once, in one place.
    expect(of('src/all.ts')).toMatchObject({ coverage: 1, span: 1, defines: 0, declares: 0 });
    // Every term, far apart: covered, but no window holds them all.
    expect(of('src/far.ts').coverage).toBe(1);
    expect(of('src/far.ts').span).toBeLessThan(1);
    // One frequent term covers less of the question than the identifier it is part of.
    expect(of('src/noise.ts').coverage).toBeGreaterThan(0);
    expect(of('src/noise.ts').coverage).toBeLessThan(of('src/keys.ts').coverage);
    // The declaring file defines the identifier; the file that only calls it does not.
    expect(of('src/keys.ts')).toMatchObject({ defines: 1 });
    expect(of('src/use.ts')).toMatchObject({ defines: 0, declares: 0 });
    expect(of('src/keys.ts').declares).toBeGreaterThan(0);
    expect(of('src/keys.ts').coverage).toBe(of('src/use.ts').coverage);
    expect(of('src/other.py')).toEqual({ coverage: 0, span: 0, defines: 0, declares: 0 });
    expect(file.questions[0]!.files['src/gone.ts']).toBeUndefined();
  });

  it('takes idf from code files only: a test file holding the words changes no value', () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-evidence-'));
    const commit = repository(join(dir, 'repo'), FILES);
    const files = indexedFiles(join(dir, 'repo'), commit);
    const tests = Array.from({ length: 5 }, (_, i) => ({ path: `test/t${i}.test.ts`, text: 'fix fix parseKeyTable' }));
    const dump = { name: 'repo', commit, questions: [candidateQuestion(QUERY, Object.keys(FILES))] };
    expect(evidenceForDump(dump, [...files, ...tests]).file).toEqual(evidenceForDump(dump, files).file);
  });

  it('writes a file per dump that eval:tune reads with --extra-features, and refuses one written for other questions', () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-evidence-'));
    const commit = repository(join(dir, 'checkouts', 'repo'), FILES);
    const dump: SearchDump = {
      ...syntheticDump('repo', { seed: 5 }),
      commit,
    };
    dump.questions[0] = { ...dump.questions[0]!, query: QUERY };
    mkdirSync(join(dir, 'dumps'));
    writeFileSync(join(dir, 'dumps', 'repo.json'), JSON.stringify(dump));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      runEvidence(['--dumps', join(dir, 'dumps'), '--checkouts', join(dir, 'checkouts'), '--out', join(dir, 'ev')]);
      expect(lines.join('\n')).toMatch(/^repo: 30 questions, \d+ candidates, \d+ not at /);
      expect(readEvidence(join(dir, 'ev'), dump)).toHaveLength(30);
      expect(() =>
        readEvidence(join(dir!, 'ev'), { ...dump, questions: dump.questions.map((q) => ({ query: `${q.query}!` })) }),
      ).toThrow(/other questions/);
      expect(() => runTune(['--dumps', join(dir!, 'dumps'), '--features', 'coverage', '--figures-only'])).toThrow(
        /--extra-features/,
      );
      lines.length = 0;
      runTune([
        '--dumps',
        join(dir, 'dumps'),
        '--extra-features',
        join(dir, 'ev'),
        '--weights',
        '{"defines":0.5}',
        '--figures-only',
      ]);
      expect(lines.join('\n')).toContain('with --weights {"defines":0.5}');
    } finally {
      log.mockRestore();
    }
  });
});
