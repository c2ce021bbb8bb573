import { z } from 'zod';
import type { Caller } from '../auth/keys';
import { varsSection } from '../lib/vars';

/**
 * How much code the gpt client may see (GPT_CODE_EXPOSURE), in search answers and likewise in GitHub code
 * search (identifiers vs fragments) and Cursor sessions (diff summary vs diff):
 * - `summary` (default): path, symbol, line range, the declaration's signature and doc comment, no bodies;
 * - `snippet`: the bounded excerpts other clients get;
 * - `none`: path, symbol and line range only.
 * Ranking is the same for every policy; only the shaping of each hit differs. Other clients are unaffected.
 */
export const CODE_EXPOSURES = ['summary', 'snippet', 'none'] as const;
export type CodeExposure = (typeof CODE_EXPOSURES)[number];

export const exposureVars = varsSection(
  'Code exposure to the GPT',
  z.object({
    GPT_CODE_EXPOSURE: z
      .enum(CODE_EXPOSURES)
      .default('summary')
      .describe(
        'What the gpt client sees of code (search, recall, GitHub code search, Cursor diffs): summary (signatures, matched identifiers, diff summaries), snippet, or none.',
      ),
  }),
  (v): CodeExposure => v.GPT_CODE_EXPOSURE,
);

/** The configured policy; an unknown value is a 503 `misconfigured` naming the variable. */
export const codeExposureFrom = (vars: Record<string, unknown>): CodeExposure => exposureVars.parse(vars);

export interface Declaration {
  /** The declaration line(s) up to where its body starts, e.g. `export function chunkFile(path: string, text: string): Chunk[]`. */
  signature: string | null;
  /** The doc comment in front of it (or a Python docstring after it), markers stripped. */
  doc: string | null;
}

const MAX_CHARS = 300;
const COMMENT_LINE = /^(?:\/\*\*?|\*\/|\*(?!\w)|\/\/\/?|#(?![![])|--)/;
const clip = (text: string) => (text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text);
const stripComment = (line: string) =>
  line
    .replace(/^(?:\/\*\*?|\*\/|\*|\/\/\/?|#|--)\s?/, '')
    .replace(/\*\/$/, '')
    .trim();

/** A line that starts a declaration: a keyword that declares, with any modifiers in front. */
const DECLARES =
  /^(?:@\w+\s+)*(?:(?:export|default|declare|async|public|private|protected|static|readonly|abstract|override|final|virtual|unsafe|extern|pub(?:\([^)]*\))?)\s+)*(?:function\*?|class|interface|type|enum|namespace|module|const|let|var|val|def|func|fn|struct|trait|impl|object|fun)\b/;
const VARIABLE = /^(?:(?:export|declare|public|private|protected|static|readonly)\s+)*(?:const|let|var|val)\b/;

/** The names a chunk's symbol declares: `RepoIndex.search` → search; a block `a, b, …` → a, b. */
function declaredNames(symbol: string | null | undefined): Set<string> | null {
  if (!symbol) return null;
  const names = symbol
    .split(/[\s,.…]+/)
    .map((name) => name.replace(/[^\w$]/g, ''))
    .filter(Boolean);
  return names.length ? new Set(names) : null;
}

/** Whether a line declares the chunk's symbol (or, with no symbol, anything). */
function isDeclarationLine(line: string, names: Set<string> | null): boolean {
  const words = line.match(/[A-Za-z_$][\w$]*/g) ?? [];
  const named = !names || words.some((word) => names.has(word));
  if (!named) return false;
  if (DECLARES.test(line)) return true;
  // A method or member: `async search(query: string) {`, `get size()`, `handle = async (c) =>`.
  return /^(?:(?:async|static|get|set|public|private|protected|override|readonly)\s+)*[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\s*(?:\(|=\s*(?:async\s*)?\(|:)/.test(
    line,
  );
}

/** The declaration up to where its body or value starts: nothing after the brace, the arrow or the colon. */
function headerOf(line: string): { text: string; done: boolean } {
  if (/^(?:async\s+)?def\s|^class\s+\w+\s*(?:\(|:)/.test(line)) {
    const python = line.match(/^(.*?\)(?:\s*->\s*[^:]+)?\s*:|class\s+\w+\s*:)/);
    if (python) return { text: python[1]!, done: true };
  }
  const body = line.search(/\{|=>/);
  if (body >= 0) {
    const head = line.slice(0, body + (line[body] === '=' ? 2 : 0)).trim();
    // `const config = {`: the value is not the declaration.
    return { text: VARIABLE.test(head) && !head.endsWith('=>') ? head.replace(/\s*=\s*$/, '') : head, done: true };
  }
  const assigned = VARIABLE.test(line) ? line.search(/\s=\s|=(?!=)/) : -1;
  if (assigned >= 0 && !/\bfunction\b/.test(line.slice(assigned))) return { text: line.slice(0, assigned), done: true };
  return { text: line, done: /[:;]$/.test(line) };
}

/**
 * The signature and doc comment of the declaration a chunk holds: the line that declares its symbol,
 * cut where its body starts, never a body line. A chunk that starts inside a body (a window of a long
 * function) has no signature: the symbol and line range say where it is.
 */
export function declarationOf(chunkText: string, symbol?: string | null): Declaration {
  const lines = chunkText.split('\n').map((line) => line.trim());
  const names = declaredNames(symbol);
  let i = 0;
  const doc: string[] = [];
  while (i < lines.length && (lines[i] === '' || COMMENT_LINE.test(lines[i]!) || lines[i]!.startsWith('@'))) {
    if (lines[i] !== '' && !lines[i]!.startsWith('@')) doc.push(stripComment(lines[i]!));
    i++;
  }
  const signature: string[] = [];
  if (i < lines.length && isDeclarationLine(lines[i]!, names)) {
    for (; i < lines.length && signature.length < 6; i++) {
      const line = lines[i]!;
      if (line === '') break;
      const head = headerOf(line);
      signature.push(head.text);
      if (head.done) break;
    }
  }
  // A Python docstring follows the signature.
  const next = signature.length ? lines.slice(i + 1).find((line) => line !== '') : undefined;
  if (!doc.length && next && /^[rRbBuU]?("""|''')/.test(next))
    doc.push(next.replace(/^[rRbBuU]?("""|''')|("""|''')$/g, '').trim());
  const sig = signature.join(' ').replace(/\s+/g, ' ').trim();
  const text = doc.filter(Boolean).join(' ').trim();
  return { signature: sig ? clip(sig) : null, doc: text ? clip(text) : null };
}

interface ShapeableHit {
  snippet: { startLine: number; endLine: number; text: string; truncated: boolean };
  declaration?: Declaration;
}

/** A search hit as the caller may see it: the gpt client per policy, everyone else as ranked. */
export function exposeHit<T extends ShapeableHit>(hit: T, caller: Pick<Caller, 'client'>, exposure: CodeExposure) {
  const { snippet, declaration, ...rest } = hit;
  if (caller.client !== 'gpt' || exposure === 'snippet') return { ...rest, snippet };
  if (exposure === 'none') return rest;
  return { ...rest, signature: declaration?.signature ?? null, doc: declaration?.doc ?? null };
}
