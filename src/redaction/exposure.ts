import { z } from 'zod';
import type { Caller } from '../auth/keys';
import { varsSection } from '../lib/vars';

/**
 * How much code the gpt client may see in search answers (GPT_CODE_EXPOSURE):
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
        'What the gpt client sees of code in /ai/search and /ai/github/recall: summary (signatures, doc comments), snippet, or none.',
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

/** The signature and doc comment at the start of a chunk: what a declaration promises, never its body. */
export function declarationOf(chunkText: string): Declaration {
  const lines = chunkText.split('\n').map((line) => line.trim());
  let i = 0;
  const doc: string[] = [];
  while (i < lines.length && (lines[i] === '' || COMMENT_LINE.test(lines[i]!) || lines[i]!.startsWith('@'))) {
    if (lines[i] !== '' && !lines[i]!.startsWith('@')) doc.push(stripComment(lines[i]!));
    i++;
  }
  const signature: string[] = [];
  for (; i < lines.length && signature.length < 6; i++) {
    const line = lines[i]!;
    if (line === '') break;
    // The body starts at the first brace or arrow; nothing after it is shown.
    const body = line.search(/\{|=>/);
    if (body >= 0) {
      signature.push(line.slice(0, body + (line[body] === '=' ? 2 : 0)).trim());
      break;
    }
    signature.push(line);
    if (/[:;]$/.test(line)) break;
  }
  // A Python docstring follows the signature.
  const next = lines.slice(i + 1).find((line) => line !== '');
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
