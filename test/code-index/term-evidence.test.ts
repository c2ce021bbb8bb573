import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { languageOf } from '../../src/code-index/chunking/languages';
import { DEFAULT_WEIGHTS } from '../../src/code-index/ranking/files';
import { candidateLists, declaresEvidence, rankLists } from '../../src/code-index/ranking/file-search';
import { FileIndex } from '../../src/code-index/store/file-index';
import { ftsQuery } from '../../src/code-index/store/repo-index-store';
import { evidenceForDump, evidenceOf } from '../../src/tools/eval/evidence';
import { candidateQuestion } from '../support/candidate-question';

async function inObject<T>(work: (sql: SqlStorage) => T): Promise<T> {
  const ns = env.REPO_INDEX!;
  const stub = ns.get(ns.idFromName(`term-evidence-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => work(state.storage.sql));
}

/** A small repository in languages whose declared names the index reads by pattern (declaredNames). */
const FILES: Record<string, string> = {
  'src/keys.rs':
    'pub struct KeyTable {}\nimpl KeyTable {\n    pub fn parse_key_table(input: &str) -> KeyTable { KeyTable {} }\n}\n',
  'src/noise.rs': `${'let key = 1; // key key Sätteri\n'.repeat(20)}fn noise() {}\n`,
  'src/uses.rs': 'fn load() { let t = KeyTable::parse_key_table("a"); }\n',
  'lib/sätteri.rb': 'module Satteri\n  def self.fix_table; end\nend\n',
  'tests/keys_test.rs': 'fn parse_key_table_works() { parse key table fix }\n',
  'docs/keys.md': '# Key table\nHow to parse a key table.\n',
};

// The product computes the `declares` evidence the offline script (eval:evidence) measured.
describe('FileIndex.declares', () => {
  it('gives every candidate the value eval:evidence computes from the same files, for several questions', async () => {
    const queries = [
      'fix parse_key_table for Sätteri',
      'KeyTable parsing of keys',
      'fix `fix_table` in Satteri',
      'nothing matches here zzz',
    ];
    const files = Object.entries(FILES).map(([path, text]) => ({ path, text }));
    const offline = evidenceForDump(
      { name: 'fixture', commit: 'c', questions: queries.map((query) => candidateQuestion(query, Object.keys(FILES))) },
      files,
    ).file;
    const product = await inObject((sql) => {
      const index = new FileIndex(sql);
      for (const { path, text } of files) index.write(path, languageOf(path), [{ symbol: null, text }], '');
      return queries.map((query) => Object.fromEntries(index.declares(Object.keys(FILES), ftsQuery(query))));
    });
    for (const [q, query] of queries.entries()) {
      const expected = Object.fromEntries(
        Object.entries(offline.questions[q]!.files).map(([path, values]) => [path, evidenceOf(values).declares]),
      );
      const got = Object.fromEntries(
        Object.entries(product[q]!).map(([path, value]) => [path, Math.round(value * 1e4) / 1e4]),
      );
      expect(got, query).toEqual(expected);
    }
    // Not vacuous: the declaring file scores, the file that only calls it does not.
    expect(product[0]!['src/keys.rs']).toBeGreaterThan(0);
    expect(product[0]!['src/uses.rs']).toBe(0);
    expect(product[2]!['lib/sätteri.rb']).toBeGreaterThan(product[2]!['src/noise.rs']!);
  });

  it('answers nothing for a question without terms or without candidates', async () => {
    const out = await inObject((sql) => {
      const index = new FileIndex(sql);
      index.write('src/a.rs', 'rust', [{ symbol: null, text: 'fn a() {}' }], '');
      return [index.declares(['src/a.rs'], null).size, index.declares([], ftsQuery('a thing')).size];
    });
    expect(out).toEqual([0, 0]);
  });
});

describe('a search with the declares weight on', () => {
  it('lifts the file declaring the asked name over files that only call it, and changes nothing at 0', async () => {
    const question = 'render grid twice';
    // The caller repeats the words; the file that declares render_grid says them once.
    const files: Record<string, string> = {
      'src/grid.rs': 'pub fn render_grid(rows: usize) -> String { String::new() }\n',
      'src/screen.rs': `fn draw() {\n${'    render_grid(1); // render the grid, grid twice\n'.repeat(6)}}\n`,
    };
    const order = await inObject((sql) => {
      const index = new FileIndex(sql);
      for (const [path, text] of Object.entries(files))
        index.write(path, languageOf(path), [{ symbol: null, text }], '');
      const ranked = (declares: number) => {
        const weights = { ...DEFAULT_WEIGHTS, vector: 0, declares };
        const { lists } = candidateLists({ files: index }, question, {}, [], { weights });
        const evidence = declaresEvidence(index, question, lists, weights);
        return {
          evidence: evidence !== undefined,
          paths: rankLists(question, lists, { docsLean: null }, weights, undefined, evidence).map((f) => f.path),
        };
      };
      return { off: ranked(0), on: ranked(4) };
    });
    expect(order.off).toEqual({ evidence: false, paths: ['src/screen.rs', 'src/grid.rs'] });
    expect(order.on).toEqual({ evidence: true, paths: ['src/grid.rs', 'src/screen.rs'] });
  });
});
