import type { Chunk } from '../chunking/chunk';

/**
 * What a file offers and needs, read deterministically at index time: its exported names, its
 * top-level declarations with the first sentence of their doc comments, and the modules it imports.
 * Searchable as its own field and returned with search hits, so a model sees what a file is for
 * without its bodies.
 */
export interface FileSummary {
  exports: string[];
  declarations: { name: string; kind: string; doc: string | null }[];
  imports: string[];
}

const MAX_NAMES = 30;
const MAX_DECLARATIONS = 24;
const MAX_DOC = 160;
/** The summary text is bounded whatever the file's size. */
export const MAX_SUMMARY_CHARS = 1500;

const DECLARATION_KINDS = new Set([
  'function',
  'class',
  'interface',
  'type',
  'enum',
  'namespace',
  'variable',
  'method',
]);

function push(list: string[], value: string | undefined, max = MAX_NAMES): void {
  const name = value?.trim();
  if (name && !list.includes(name) && list.length < max) list.push(name);
}

function exportsOf(text: string, language: string): string[] {
  const out: string[] = [];
  if (language === 'go') {
    for (const m of text.matchAll(/^func\s+(?:\([^)]*\)\s*)?([A-Z]\w*)/gm)) push(out, m[1]);
    for (const m of text.matchAll(/^type\s+([A-Z]\w*)/gm)) push(out, m[1]);
    for (const m of text.matchAll(/^(?:const|var)\s+([A-Z]\w*)/gm)) push(out, m[1]);
  } else if (language === 'python') {
    for (const m of text.matchAll(/^(?:async\s+)?(?:def|class)\s+([A-Za-z]\w*)/gm)) push(out, m[1]);
  } else {
    for (const m of text.matchAll(
      /^export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/gm,
    ))
      push(out, m[1]);
    for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
      for (const part of m[1]!.split(','))
        push(
          out,
          part
            .split(/\s+as\s+/)
            .pop()
            ?.replace(/^type\s+/, ''),
        );
    }
    for (const m of text.matchAll(/^(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/gm)) push(out, m[1]);
    if (/^export\s+default\b/m.test(text) || /^module\.exports\s*=/m.test(text)) push(out, 'default');
  }
  return out;
}

function importsOf(text: string, language: string): string[] {
  const out: string[] = [];
  if (language === 'go') {
    for (const m of text.matchAll(/^import\s+(?:\w+\s+)?"([^"]+)"/gm)) push(out, m[1]);
    for (const block of text.matchAll(/^import\s*\(([^)]*)\)/gm)) {
      for (const m of block[1]!.matchAll(/^\s*(?:[\w.]+\s+)?"([^"]+)"/gm)) push(out, m[1]);
    }
  } else if (language === 'python') {
    for (const m of text.matchAll(/^\s*from\s+([\w.]+)\s+import\b/gm)) push(out, m[1]);
    for (const m of text.matchAll(/^\s*import\s+([\w.]+)/gm)) push(out, m[1]);
  } else {
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm)) push(out, m[1]);
    for (const m of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) push(out, m[1]);
    for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) push(out, m[1]);
  }
  return out;
}

/** The first sentence of the comment a chunk starts with (JSDoc, `//`, `#`), or of a Python docstring. */
export function leadingDoc(text: string): string | null {
  const lines = text.split('\n');
  const prose: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!/^(\/\*\*?|\*|\/\/|#(?!!)|\*\/)/.test(line)) break;
    const words = line
      .replace(/^(\/\*\*?|\*\/|\*|\/\/+|#+)\s?/, '')
      .replace(/\*\/$/, '')
      .trim();
    if (words.startsWith('@')) break;
    if (words) prose.push(words);
  }
  if (!prose.length) {
    const docstring = /^[^\n]*:\s*\n\s*(?:[rRuU])?("""|''')([\s\S]*?)\1/.exec(text);
    if (docstring) prose.push(docstring[2]!.trim());
  }
  const joined = prose.join(' ').replace(/\s+/g, ' ').trim();
  if (!joined || /^(eslint|prettier|@ts-|istanbul|nolint|go:)/.test(joined)) return null;
  const sentence = /^.*?[.!?](?=\s|$)/.exec(joined)?.[0] ?? joined;
  return sentence.length > MAX_DOC ? `${sentence.slice(0, MAX_DOC - 1)}…` : sentence;
}

export function summarizeFile(
  text: string,
  language: string,
  chunks: Pick<Chunk, 'symbol' | 'kind' | 'text'>[],
): FileSummary {
  const declarations: FileSummary['declarations'] = [];
  const seen = new Set<string>();
  for (const chunk of chunks) {
    if (!chunk.symbol || !DECLARATION_KINDS.has(chunk.kind) || declarations.length >= MAX_DECLARATIONS) continue;
    // Top-level names, and Go methods (`Receiver.Name`); class members travel with their class.
    if (chunk.symbol.includes('.') && !(language === 'go' && chunk.kind === 'method')) continue;
    if (seen.has(chunk.symbol)) continue;
    seen.add(chunk.symbol);
    declarations.push({ name: chunk.symbol, kind: chunk.kind, doc: leadingDoc(chunk.text) });
  }
  return { exports: exportsOf(text, language), declarations, imports: importsOf(text, language) };
}

/** One bounded paragraph for the lexical index and for callers. */
export function summaryText(summary: FileSummary): string {
  const parts: string[] = [];
  if (summary.exports.length) parts.push(`exports: ${summary.exports.join(', ')}`);
  if (summary.declarations.length) {
    parts.push(
      `declares: ${summary.declarations.map((d) => `${d.kind} ${d.name}${d.doc ? ` (${d.doc})` : ''}`).join('; ')}`,
    );
  }
  if (summary.imports.length) parts.push(`imports: ${summary.imports.join(', ')}`);
  const text = parts.join('\n');
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
}
