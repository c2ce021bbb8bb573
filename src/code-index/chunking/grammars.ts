import { Language, Parser } from 'web-tree-sitter';
import runtimeWasm from 'web-tree-sitter/web-tree-sitter.wasm';
import typescriptWasm from '@vscode/tree-sitter-wasm/wasm/tree-sitter-typescript.wasm';
import tsxWasm from '@vscode/tree-sitter-wasm/wasm/tree-sitter-tsx.wasm';
import javascriptWasm from '@vscode/tree-sitter-wasm/wasm/tree-sitter-javascript.wasm';
import pythonWasm from '@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm';
import goWasm from '@vscode/tree-sitter-wasm/wasm/tree-sitter-go.wasm';

/** Languages parsed with tree-sitter; everything else goes to the line splitter. */
export type ParsedLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go';

// Workers cannot compile WebAssembly from bytes at run time, so every module is imported
// statically (compiled by the bundler) and handed to tree-sitter as a module.
const GRAMMAR_MODULES: Record<ParsedLanguage, WebAssembly.Module> = {
  typescript: typescriptWasm,
  tsx: tsxWasm,
  javascript: javascriptWasm,
  python: pythonWasm,
  go: goWasm,
};

let ready: Promise<void> | undefined;
const parsers = new Map<ParsedLanguage, Parser>();

/**
 * Run `start` while the global `process` is hidden. tree-sitter's Emscripten glue decides, once, when
 * its runtime starts, that it runs in Node if `process.versions.node` is set, which nodejs_compat sets
 * in workerd; it then imports `module` for `createRequire`, which the bundled Worker lacks
 * ("createRequire is not a function"), so the runtime never started and every file fell back to text.
 * The check is synchronous at the start of `Parser.init`, so the global is back before anything else runs.
 */
function withoutNodeProcess<T>(start: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
  if (!descriptor?.configurable) return start();
  Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
  try {
    return start();
  } finally {
    Object.defineProperty(globalThis, 'process', descriptor);
  }
}

function initRuntime(): Promise<void> {
  ready ??= withoutNodeProcess(() =>
    Parser.init({
      instantiateWasm(
        imports: WebAssembly.Imports,
        done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
      ) {
        // Synchronously, so a failure rejects Parser.init (a rejected promise here would leave it pending forever).
        done(new WebAssembly.Instance(runtimeWasm, imports), runtimeWasm);
        return {};
      },
    } as never),
  ).catch((error: unknown) => {
    ready = undefined; // the next file tries again: a passing failure does not poison the rest of the run
    throw error;
  });
  return ready;
}

/** The parser for `language`, loading the runtime and the grammar once per isolate. */
export async function parserFor(language: ParsedLanguage): Promise<Parser> {
  await initRuntime();
  let parser = parsers.get(language);
  if (!parser) {
    // The grammar first: a grammar that fails to load leaves no parser behind.
    const grammar = Language.loadSync(GRAMMAR_MODULES[language]);
    parser = new Parser();
    parser.setLanguage(grammar);
    parsers.set(language, parser);
  }
  return parser;
}

/** Tests only: forget the runtime and parsers, so the next file starts tree-sitter again. */
export function forgetGrammarsForTest(): void {
  ready = undefined;
  for (const parser of parsers.values()) parser.delete();
  parsers.clear();
}
