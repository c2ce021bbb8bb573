import type { Node } from 'web-tree-sitter';
import type { Chunk, ChunkLimits } from './chunk';
import { parserFor, type ParsedLanguage } from './grammars';
import { windows } from './split-text';

/** A top-level or member syntax node, as the chunker sees it. */
interface Item {
  start: number;
  end: number;
  /** Declared name, when the node declares something. */
  name: string | null;
  kind: string;
  /** Member nodes, when the node is a container (class, namespace, describe block) worth descending into. */
  members: Node[] | null;
}

const DECLARATION_KINDS: Record<string, string> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  function_signature: 'function',
  class_declaration: 'class',
  abstract_class_declaration: 'class',
  class: 'class',
  interface_declaration: 'interface',
  type_alias_declaration: 'type',
  enum_declaration: 'enum',
  internal_module: 'namespace',
  module: 'namespace',
  method_definition: 'method',
  method_signature: 'method',
  abstract_method_signature: 'method',
  public_field_definition: 'field',
  lexical_declaration: 'variable',
  variable_declaration: 'variable',
  // python
  function_definition: 'function',
  class_definition: 'class',
  // go
  method_declaration: 'method',
  type_declaration: 'type',
  const_declaration: 'variable',
  var_declaration: 'variable',
};

const IMPORT_NODES = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'import_declaration',
]);

const CONTAINER_BODY: Record<string, string> = {
  class_declaration: 'body',
  abstract_class_declaration: 'body',
  class: 'body',
  internal_module: 'body',
  module: 'body',
  class_definition: 'body',
};

function lineOf(node: Node, edge: 'start' | 'end'): number {
  if (edge === 'start') return node.startPosition.row + 1;
  // A node ending at column 0 ends on the previous line.
  return node.endPosition.column === 0 && node.endPosition.row > node.startPosition.row
    ? node.endPosition.row
    : node.endPosition.row + 1;
}

function nameOf(node: Node): string | null {
  const direct = node.childForFieldName('name');
  if (direct) return direct.text;
  switch (node.type) {
    case 'lexical_declaration':
    case 'variable_declaration':
    case 'const_declaration':
    case 'var_declaration': {
      const names = node.namedChildren
        .filter((child): child is Node => child !== null && /declarator|spec$/.test(child.type))
        .map((child) => child.childForFieldName('name')?.text)
        .filter((name): name is string => Boolean(name));
      return names.length ? names.slice(0, 3).join(', ') : null;
    }
    case 'type_declaration': {
      const spec = node.namedChildren.find((child) => child?.type === 'type_spec' || child?.type === 'type_alias');
      return spec?.childForFieldName('name')?.text ?? null;
    }
    default:
      return null;
  }
}

/** `describe('x', () => { … })`: a call whose last argument is a function body is a named block. */
function callBlock(statement: Node): { name: string; members: Node[] } | null {
  const call = statement.namedChild(0);
  if (!call || call.type !== 'call_expression') return null;
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!callee || !args || callee.text.length > 40) return null;
  const last = args.namedChild(args.namedChildCount - 1);
  if (!last || (last.type !== 'arrow_function' && last.type !== 'function_expression' && last.type !== 'function'))
    return null;
  const body = last.childForFieldName('body');
  if (!body || body.type !== 'statement_block') return null;
  const first = args.namedChild(0);
  const label = first && /string|template_string/.test(first.type) ? ` ${first.text.slice(0, 60)}` : '';
  return { name: `${callee.text}${label}`, members: body.namedChildren.filter((n): n is Node => n !== null) };
}

function describeNode(node: Node, language: ParsedLanguage): Item {
  const start = lineOf(node, 'start');
  const end = lineOf(node, 'end');
  let target = node;
  // Unwrap `export …` and Python decorators to the declaration they carry.
  if (node.type === 'export_statement') target = node.childForFieldName('declaration') ?? node.namedChild(0) ?? node;
  if (node.type === 'decorated_definition') target = node.childForFieldName('definition') ?? node;
  if (target.type === 'expression_statement' && language !== 'python' && language !== 'go') {
    const block = callBlock(target);
    if (block) return { start, end, name: block.name, kind: 'block', members: block.members };
  }
  const kind = DECLARATION_KINDS[target.type];
  if (!kind)
    return { start, end, name: null, kind: IMPORT_NODES.has(target.type) ? 'import' : 'statement', members: null };
  let name = nameOf(target);
  if (target.type === 'method_declaration' && language === 'go') {
    const receiver = target
      .childForFieldName('receiver')
      ?.text.match(/\*?\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\)$/)?.[1];
    if (receiver && name) name = `${receiver}.${name}`;
  }
  const bodyField = CONTAINER_BODY[target.type];
  const body = bodyField ? target.childForFieldName(bodyField) : null;
  const members = body ? body.namedChildren.filter((n): n is Node => n !== null) : null;
  return { start, end, name, kind, members };
}

function qualify(enclosing: string[], name: string | null): string | null {
  if (!name) return enclosing.length ? enclosing.join('.') : null;
  return [...enclosing, name].join('.');
}

/** Build the items of one level, attaching each leading comment to the declaration right below it. */
function itemsOf(nodes: Node[], language: ParsedLanguage): Item[] {
  const items: Item[] = [];
  let commentStart: number | null = null;
  let commentEnd = 0;
  for (const node of nodes) {
    if (node.type === 'comment') {
      const start = lineOf(node, 'start');
      if (commentStart === null || start > commentEnd + 1) {
        if (commentStart !== null)
          items.push({ start: commentStart, end: commentEnd, name: null, kind: 'comment', members: null });
        commentStart = start;
      }
      commentEnd = lineOf(node, 'end');
      continue;
    }
    const item = describeNode(node, language);
    if (commentStart !== null) {
      if (item.start <= commentEnd + 1) item.start = commentStart;
      else items.push({ start: commentStart, end: commentEnd, name: null, kind: 'comment', members: null });
      commentStart = null;
    }
    items.push(item);
  }
  if (commentStart !== null)
    items.push({ start: commentStart, end: commentEnd, name: null, kind: 'comment', members: null });
  return items;
}

class ChunkWriter {
  readonly chunks: Chunk[] = [];
  constructor(
    private readonly path: string,
    private readonly language: string,
    private readonly lines: string[],
    private readonly limits: ChunkLimits,
  ) {}

  emit(start: number, end: number, symbol: string | null, kind: string): void {
    for (const [from, to] of windows(this.lines, start, end, this.limits.maxLines)) {
      let a = from;
      let b = to;
      while (a <= b && this.lines[a - 1]!.trim() === '') a++;
      while (b >= a && this.lines[b - 1]!.trim() === '') b--;
      if (a > b) continue;
      this.chunks.push({
        path: this.path,
        startLine: a,
        endLine: b,
        language: this.language,
        symbol,
        kind,
        text: this.lines.slice(a - 1, b).join('\n'),
      });
    }
  }

  /** Emit one level: big declarations alone (descending into big containers), small neighbours grouped. */
  level(nodes: Node[], language: ParsedLanguage, enclosing: string[], span?: [number, number]): void {
    const items = itemsOf(nodes, language);
    if (span && items.length) {
      // The container's header and closing lines travel with its first and last members.
      items[0]!.start = Math.min(items[0]!.start, span[0]);
      items[items.length - 1]!.end = Math.max(items[items.length - 1]!.end, span[1]);
    }
    let group: Item[] = [];
    const flush = () => {
      if (!group.length) return;
      const names = group.map((item) => item.name).filter((name): name is string => Boolean(name));
      const label = names.length ? (names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ')) : null;
      const single =
        group.length === 1 || (names.length === 1 && group.every((item) => item.name || item.kind === 'comment'));
      // A run of imports is labelled as such: search keeps it lexical-only (it would crowd the vector ranking).
      const imports =
        group.every((item) => item.kind === 'import' || item.kind === 'comment') &&
        group.some((item) => item.kind === 'import');
      const kind = imports ? 'imports' : single ? (group.find((item) => item.name)?.kind ?? group[0]!.kind) : 'block';
      this.emit(group[0]!.start, group[group.length - 1]!.end, qualify(enclosing, label), kind);
      group = [];
    };
    for (const item of items) {
      const size = item.end - item.start + 1;
      const named = item.name !== null;
      if (named && size >= this.limits.minLines) {
        flush();
        if (item.members && item.members.length && size > this.limits.maxLines) {
          this.level(item.members, language, [...enclosing, item.name!], [item.start, item.end]);
        } else {
          this.emit(item.start, item.end, qualify(enclosing, item.name), item.kind);
        }
        continue;
      }
      const groupSize = group.length ? item.end - group[0]!.start + 1 : size;
      if (groupSize > this.limits.maxLines) flush();
      group.push(item);
    }
    flush();
  }
}

/** Structure-aware chunks of a parsed language: one per function, class, method or block, with enclosing names. */
export async function chunkSyntax(
  path: string,
  text: string,
  language: ParsedLanguage,
  limits: ChunkLimits,
): Promise<Chunk[]> {
  const parser = await parserFor(language);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`);
  try {
    const writer = new ChunkWriter(path, language, text.split('\n'), limits);
    writer.level(
      tree.rootNode.namedChildren.filter((n): n is Node => n !== null),
      language,
      [],
    );
    return writer.chunks;
  } finally {
    tree.delete();
  }
}
