import { describe, expect, it } from 'vitest';
import { declaredNames, MAX_DECLARED_NAMES } from '../../src/code-index/summary/declared-names';

// Languages the chunker does not parse get their declared names into the file-level symbols field.
describe('declaredNames', () => {
  it('reads Rust items, impl targets and macros', () => {
    const text = [
      'pub struct Ignore(Arc<IgnoreInner>);',
      'impl Ignore {',
      '    pub fn matched<P: AsRef<Path>>(&self, path: P) {}',
      '}',
      'impl<T: Clone> Default for IgnoreBuilder<T> {}',
      'pub(crate) enum Match { None }',
      'const MAX_DEPTH: usize = 8;',
      'macro_rules! eprintln_locked { () => {} }',
      '// fn commented_out is still read: patterns, not a parser',
    ].join('\n');
    expect(declaredNames(text, 'rust')).toEqual([
      'Ignore',
      'matched',
      'IgnoreBuilder',
      'Match',
      'MAX_DEPTH',
      'eprintln_locked',
      'commented_out',
    ]);
  });

  it('reads Java, Ruby and PHP declarations, and nothing for a language without patterns', () => {
    expect(declaredNames('public final class Router implements Handler {\n  interface Hook {}\n}', 'java')).toEqual([
      'Router',
      'Hook',
    ]);
    expect(declaredNames('module Rack\n  class Lint\n    def call(env)\n    def self.valid?\n', 'ruby')).toEqual([
      'Rack',
      'Lint',
      'call',
      'valid?',
    ]);
    expect(declaredNames('<?php\nfinal class Kernel {\n  public function handle($r) {}\n}', 'php')).toEqual([
      'Kernel',
      'handle',
    ]);
    expect(declaredNames('fn main() {}', 'markdown')).toEqual([]);
  });

  it('stays bounded', () => {
    const text = Array.from({ length: MAX_DECLARED_NAMES + 50 }, (_, i) => `fn f${i}() {}`).join('\n');
    expect(declaredNames(text, 'rust')).toHaveLength(MAX_DECLARED_NAMES);
  });
});
