/**
 * Code-aware tokens: identifiers are kept whole and also split at camelCase,
 * snake_case, kebab-case and digit boundaries, so `parseKeyTable` matches
 * "parse key table" and `KEY_TABLE` matches "key table".
 */
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+/g;

const STOPWORDS = new Set([
  'the',
  'a',
  'an',
  'and',
  'or',
  'of',
  'to',
  'in',
  'on',
  'for',
  'is',
  'are',
  'be',
  'it',
  'as',
  'at',
  'by',
  'with',
  'this',
  'that',
  'from',
  'how',
  'what',
  'where',
  'which',
  'does',
  'do',
  'when',
  'who',
  'why',
  'we',
  'i',
  'you',
]);

export function splitIdentifier(word: string): string[] {
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_$-]+/)
    .map((part) => part.toLowerCase())
    .filter((part) => part.length > 1);
}

/** Light stemming so "chunks"/"chunking"/"chunked" meet at "chunk". */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|(?<!s)s)$/, '') || word;
}

export interface TokenOptions {
  /** Drop English stopwords (for queries and prose). */
  dropStopwords?: boolean;
}

/** Lower-cased identifier parts, stemmed, in order (duplicates kept). */
export function codeTokens(text: string, options: TokenOptions = {}): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.length > 64) continue;
    const parts = /^[0-9]+$/.test(word) ? [] : splitIdentifier(word);
    for (const part of parts) {
      if (options.dropStopwords && STOPWORDS.has(part)) continue;
      out.push(stem(part));
    }
    const whole = word.toLowerCase();
    if (parts.length > 1) out.push(whole);
  }
  return out;
}

/** Identifier parts, space-joined, appended to text for the lexical index (which does not split camelCase itself). */
export function expandIdentifiers(text: string): string {
  const extra: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const parts = splitIdentifier(match[0]);
    if (parts.length > 1) extra.push(parts.join(' '));
  }
  return extra.join(' ');
}
