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

function initRuntime(): Promise<void> {
  ready ??= Parser.init({
    instantiateWasm(
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) {
      void WebAssembly.instantiate(runtimeWasm, imports).then((instance) => done(instance, runtimeWasm));
      return {};
    },
  } as never).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** The parser for `language`, loading the runtime and the grammar once per isolate. */
export async function parserFor(language: ParsedLanguage): Promise<Parser> {
  await initRuntime();
  let parser = parsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Language.loadSync(GRAMMAR_MODULES[language]));
    parsers.set(language, parser);
  }
  return parser;
}
