import { afterEach, describe, expect, it, vi } from 'vitest';
import { Parser } from 'web-tree-sitter';
import { chunkFile } from '../../src/code-index/chunking/chunker';
import { forgetGrammarsForTest } from '../../src/code-index/chunking/grammars';
import { createFixtureRepo, reindex } from '../support/index-fixtures';

const GO = `package web

// Handler serves one request.
func Handler(w Writer, r *Request) {
	w.Write([]byte("ok"))
	r.Close()
}

type Engine struct {
	routes []string
	trees  int
}
`;

const realInit = Parser.init.bind(Parser);

afterEach(() => {
  vi.restoreAllMocks();
  // Whatever a test did to the runtime, the next file (and test file) starts it afresh.
  forgetGrammarsForTest();
});

describe('tree-sitter runtime start', () => {
  it('starts where the host looks like Node but cannot give the Node glue createRequire (the bundled Worker)', async () => {
    // The bundled Worker under nodejs_compat sets process.versions.node, and its `module` has no createRequire:
    // tree-sitter's glue failed there, and every file of every run fell back to text.
    vi.spyOn(Parser, 'init').mockImplementation((options) => {
      const seen = (globalThis as { process?: { versions?: { node?: string } } }).process;
      if (seen?.versions?.node) return Promise.reject(new TypeError('createRequire is not a function'));
      return realInit(options);
    });
    forgetGrammarsForTest();
    const cut = await chunkFile('web/handler.go', GO, 'go');
    expect(cut).toMatchObject({ method: 'syntax', fallback: null });
    expect(cut.chunks.map((chunk) => chunk.symbol)).toEqual([null, 'Handler', 'Engine']);
  });

  it('a failing first start does not poison later files: the file says why it fell back, the next one parses', async () => {
    vi.spyOn(Parser, 'init').mockRejectedValueOnce(new RangeError('WebAssembly.Instance(): out of memory'));
    forgetGrammarsForTest();
    const first = await chunkFile('web/handler.go', GO, 'go');
    expect(first).toMatchObject({ method: 'text', fallback: 'RangeError: WebAssembly.Instance(): out of memory' });
    const second = await chunkFile('web/handler.go', GO, 'go');
    expect(second).toMatchObject({ method: 'syntax', fallback: null });
    expect(second.chunks.map((chunk) => chunk.symbol)).toEqual([null, 'Handler', 'Engine']);
  });

  it('a language without a grammar is cut by text, and that is no fallback', async () => {
    const cut = await chunkFile('docs/guide.md', '# Guide\n\nRun it.\n', 'markdown');
    expect(cut).toMatchObject({ method: 'text', fallback: null });
  });
});

describe('a run counts how its files were cut', () => {
  it('a grammar that fails for the whole run is counted, with its first error, in the index status', async () => {
    const repo = await createFixtureRepo({
      'web/handler.go': GO,
      'web/engine.go': GO.replace('Handler', 'Serve'),
      'docs/guide.md': '# Guide\n\nRun it.\n',
    });
    const healthy = await reindex(repo);
    expect(healthy.lastRun?.stats.chunking).toEqual({ syntax: 2, text: 1, fallback: 0, firstError: null });

    vi.spyOn(Parser, 'init').mockRejectedValue(new TypeError('createRequire is not a function'));
    forgetGrammarsForTest();
    const broken = await createFixtureRepo({ 'web/handler.go': GO, 'web/engine.go': GO.replace('Handler', 'Serve') });
    const status = await reindex(broken);
    expect(status.lastRun?.outcome).toBe('succeeded');
    expect(status.lastRun?.stats.chunking).toEqual({
      syntax: 0,
      text: 0,
      fallback: 2,
      firstError: 'TypeError: createRequire is not a function',
    });
  });
});
