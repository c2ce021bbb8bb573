import { describe, expect, it } from 'vitest';
import { chunkFile } from '../../src/code-index/chunking/chunker';

const TS = `import { a } from './a';
import { b } from './b';

/** Adds two numbers. */
export function add(x: number, y: number): number {
  const sum = x + y;
  return sum;
}

export class Greeter {
  private name: string;
  constructor(name: string) {
    this.name = name;
  }
  greet(): string {
    return 'hi ' + this.name;
  }
}

export const double = (n: number) => {
  const twice = n * 2;
  return twice;
};
`;

describe('chunkFile', () => {
  it('cuts TypeScript at declarations, with the doc comment attached', async () => {
    const { chunks, method } = await chunkFile('src/math.ts', TS, 'typescript');
    expect(method).toBe('syntax');
    const view = chunks.map((c) => [c.symbol, c.kind, c.startLine, c.endLine]);
    expect(view).toEqual([
      [null, 'imports', 1, 2],
      ['add', 'function', 4, 8],
      ['Greeter', 'class', 10, 18],
      ['double', 'variable', 20, 23],
    ]);
    expect(chunks[1]!.text.startsWith('/** Adds two numbers. */')).toBe(true);
    expect(chunks.every((c) => c.path === 'src/math.ts' && c.language === 'typescript')).toBe(true);
  });

  it('descends into a class larger than the limit and names methods with the class', async () => {
    const methods = Array.from(
      { length: 6 },
      (_, i) => `  method${i}(): number {\n    const v = ${i};\n    return v;\n  }`,
    ).join('\n');
    const source = `export class Big {\n  field = 1;\n${methods}\n}\n`;
    const { chunks } = await chunkFile('src/big.ts', source, 'typescript', {
      maxLines: 10,
      minLines: 3,
      maxChunksPerFile: 100,
    });
    const symbols = chunks.map((c) => c.symbol);
    expect(symbols).toEqual([
      'Big.field',
      'Big.method0',
      'Big.method1',
      'Big.method2',
      'Big.method3',
      'Big.method4',
      'Big.method5',
    ]);
    expect(chunks[0]!.startLine).toBe(1); // the class header travels with its first member
    expect(chunks.at(-1)!.endLine).toBe(source.trimEnd().split('\n').length); // and the closing brace with its last
  });

  it('names test blocks by their call and label', async () => {
    const body = Array.from(
      { length: 4 },
      (_, i) => `  it('case ${i}', () => {\n    expect(${i}).toBe(${i});\n    expect(1).toBe(1);\n  });`,
    ).join('\n');
    const source = `describe('parser', () => {\n${body}\n});\n`;
    const { chunks } = await chunkFile('test/p.test.ts', source, 'typescript', {
      maxLines: 8,
      minLines: 3,
      maxChunksPerFile: 100,
    });
    expect(chunks.map((c) => c.symbol)).toEqual([
      "describe 'parser'.it 'case 0'",
      "describe 'parser'.it 'case 1'",
      "describe 'parser'.it 'case 2'",
      "describe 'parser'.it 'case 3'",
    ]);
  });

  it('splits an oversized function into parts that keep its name', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const { chunks } = await chunkFile('src/long.js', `function long() {\n${lines}\n}\n`, 'javascript', {
      maxLines: 12,
      minLines: 3,
      maxChunksPerFile: 100,
    });
    expect(chunks.length).toBe(3);
    expect(new Set(chunks.map((c) => c.symbol))).toEqual(new Set(['long']));
    expect(chunks[0]!.startLine).toBe(1);
    expect(chunks.at(-1)!.endLine).toBe(32);
  });

  it('chunks TSX components and their hooks', async () => {
    const source = [
      "import { useState } from 'react';",
      '',
      'export function Counter({ start }: { start: number }) {',
      '  const [count, setCount] = useState(start);',
      '  return <button onClick={() => setCount(count + 1)}>{count}</button>;',
      '}',
      '',
      'export const Label = ({ text }: { text: string }) => {',
      '  const upper = text.toUpperCase();',
      '  return <span className="label">{upper}</span>;',
      '};',
      '',
    ].join('\n');
    const { chunks, method } = await chunkFile('web/Counter.tsx', source, 'tsx');
    expect(method).toBe('syntax');
    expect(chunks.map((c) => [c.symbol, c.kind, c.startLine, c.endLine])).toEqual([
      [null, 'imports', 1, 1],
      ['Counter', 'function', 3, 6],
      ['Label', 'variable', 8, 11],
    ]);
  });

  it('chunks Python classes, decorated functions and methods', async () => {
    const source = [
      'import os',
      '',
      '@cache',
      'def load(path):',
      '    data = open(path).read()',
      '    return data.strip()',
      '',
      'class Store:',
      '    def get(self, key):',
      '        value = self.items[key]',
      '        return value',
      '',
    ].join('\n');
    const { chunks } = await chunkFile('app/store.py', source, 'python');
    expect(chunks.map((c) => [c.symbol, c.startLine, c.endLine])).toEqual([
      [null, 1, 1],
      ['load', 3, 6],
      ['Store', 8, 11],
    ]);
  });

  it('names Go methods with their receiver type', async () => {
    const source =
      'package store\n\ntype Store struct {\n\titems map[string]string\n\tmu    int\n}\n\nfunc (s *Store) Get(key string) string {\n\tv := s.items[key]\n\treturn v\n}\n';
    const { chunks } = await chunkFile('store/store.go', source, 'go');
    expect(chunks.map((c) => [c.symbol, c.kind, c.startLine, c.endLine])).toEqual([
      [null, 'statement', 1, 1],
      ['Store', 'type', 3, 6],
      ['Store.Get', 'method', 8, 11],
    ]);
  });

  it('groups small neighbouring declarations into one chunk', async () => {
    const source = 'export const A = 1;\nexport const B = 2;\nexport type C = string;\n';
    const { chunks } = await chunkFile('src/consts.ts', source, 'typescript');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ symbol: 'A, B, C', kind: 'block', startLine: 1, endLine: 3 });
  });

  it('splits Markdown at headings with the heading path as symbol', async () => {
    const source = '# Guide\nintro\n\n## Setup\nrun it\n\n## Usage\ncall it\n';
    const { chunks, method } = await chunkFile('README.md', source, 'markdown');
    expect(method).toBe('text');
    expect(chunks.map((c) => [c.symbol, c.startLine, c.endLine])).toEqual([
      ['Guide', 1, 2],
      ['Guide > Setup', 4, 5],
      ['Guide > Usage', 7, 8],
    ]);
  });

  it('splits other text into bounded windows at blank lines', async () => {
    const source = Array.from({ length: 150 }, (_, i) => (i % 10 === 9 ? '' : `line ${i}`)).join('\n');
    const { chunks } = await chunkFile('notes.txt', source, 'text');
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.endLine - chunk.startLine + 1).toBeLessThanOrEqual(60);
    expect(chunks[0]!.startLine).toBe(1);
  });

  it('caps the chunks of a file and says how many it dropped', async () => {
    const source = Array.from(
      { length: 20 },
      (_, i) => `function f${i}() {\n  const a = ${i};\n  const b = a;\n  return b;\n}`,
    ).join('\n');
    const result = await chunkFile('src/many.js', source, 'javascript', {
      maxLines: 120,
      minLines: 4,
      maxChunksPerFile: 5,
    });
    expect(result.chunks).toHaveLength(5);
    expect(result.dropped).toBe(15);
  });
});
