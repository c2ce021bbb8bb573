import { idfOf, matchTerms, type TermEvidence, termShare, wordTokens } from '../../code-index/ranking/term-evidence';
import { expandIdentifiers } from '../../code-index/ranking/tokens';
import { languageOf } from '../../code-index/chunking/languages';
import { inWordsTable } from '../../code-index/store/file-index';
import { ftsQuery } from '../../code-index/store/repo-index-store';
import { declaredNames } from '../../code-index/summary/declared-names';
import type { SearchDump } from './search-dump';

/**
 * Per-term evidence of candidate files, computed offline from their text (eval:evidence), read as
 * the words table reads a file (FileIndex.write: path and text with their identifier parts, FTS5
 * unicode61 with `_` kept in tokens, diacritics folded, lower case), with the question's terms as
 * ftsQuery writes them and their idf over the repository's code files (the words table's files).
 */

/**
 * Per-term evidence of a dump's candidates, written by eval:evidence beside (never inside) the
 * dumps: `<dir>/<name>.json`. Questions are in the dump's order, each with its query (checked on
 * load) and, per candidate path, [coverage, span, defines, declares].
 */
export interface EvidenceFile {
  version: 1;
  name: string;
  commit: string;
  questions: { query: string; files: Record<string, EvidenceValues> }[];
}

export type EvidenceValues = [coverage: number, span: number, defines: number, declares: number];

export function evidenceOf(values: EvidenceValues): TermEvidence {
  return { coverage: values[0], span: values[1], defines: values[2], declares: values[3] };
}

export function evidenceValues(evidence: TermEvidence): EvidenceValues {
  return [evidence.coverage, evidence.span, evidence.defines, evidence.declares];
}

/** Lines per window for `span` (windows overlap by half). */
export const SPAN_LINES = 40;

/** What the words table indexes of a file (FileIndex.write). */
export function wordsText(path: string, text: string): string {
  return `${path} ${expandIdentifiers(path)}\n${text}\n${expandIdentifiers(text)}`;
}

/** The question's terms as the lexical index matches them (ftsQuery), each as its tokens (a term matches as a phrase). */
export function questionTerms(question: string): string[][] {
  return matchTerms(ftsQuery(question));
}

/** Words of the question written as identifiers: camelCase, PascalCase with two humps, snake_case, `x()`, or backticked. */
export function questionIdentifiers(question: string): string[] {
  const out = new Set<string>();
  for (const quoted of question.matchAll(/`([^`]+)`/g))
    for (const word of quoted[1]!.match(/[A-Za-z_$][\w$]*/g) ?? []) if (word.length > 2) out.add(word.toLowerCase());
  for (const match of question.matchAll(/[A-Za-z_$][\w$]*(\(\))?/g)) {
    const word = match[0].replace(/\(\)$/, '');
    const shaped =
      Boolean(match[1]) ||
      /[a-z0-9][A-Z]/.test(word) ||
      /[A-Za-z0-9]_[A-Za-z0-9]/.test(word) ||
      /^[A-Z][a-z0-9]+[A-Z]/.test(word);
    if (shaped && word.length > 2) out.add(word.replace(/^\$+/, '').toLowerCase());
  }
  return [...out];
}

/** Declarations of the languages the chunker parses (their chunk symbols), read with patterns offline. */
const PARSED_DECLARATIONS: Record<string, RegExp[]> = {
  script: [
    /\b(?:function\*?|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/g,
    /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*[=:]/g,
    /^\s*(?:(?:export|default|public|private|protected|static|async|get|set|readonly|override|abstract)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\s*\([^)]*\)\s*(?::[^{;]*)?\{/gm,
  ],
  python: [/^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/gm],
  go: [
    /^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/gm,
    /^type\s+([A-Za-z_]\w*)/gm,
    /^\s+([A-Za-z_]\w*)\s+(?:struct|interface)\s*\{/gm,
    /^(?:const|var)\s+([A-Za-z_]\w*)/gm,
  ],
};
const SCRIPT_LANGUAGES = new Set(['typescript', 'tsx', 'javascript', 'vue', 'svelte']);
const NOT_NAMES = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'constructor']);

/** The names a file declares: patterns for parsed languages, declaredNames for the others. */
export function declaredIn(text: string, language: string): string[] {
  const patterns = PARSED_DECLARATIONS[SCRIPT_LANGUAGES.has(language) ? 'script' : language];
  const names = patterns
    ? patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!))
    : declaredNames(text, language);
  return [...new Set(names.filter((name) => !NOT_NAMES.has(name)))];
}

/** What is read of a file once, whatever the question. */
export interface FileTerms {
  tokens: Set<string>;
  windows: Set<string>[];
  declared: Set<string>;
  /** Tokens of the declared names and of their identifier parts. */
  declaredTokens: Set<string>;
}

export function fileTerms(path: string, text: string, language: string): FileTerms {
  const lines = text.split('\n');
  const windows: Set<string>[] = [];
  const step = SPAN_LINES / 2;
  for (let from = 0; from === 0 || from + step < lines.length; from += step) {
    const part = lines.slice(from, from + SPAN_LINES).join('\n');
    windows.push(new Set(wordTokens(`${part}\n${expandIdentifiers(part)}`)));
  }
  const names = declaredIn(text, language).join(' ');
  return {
    tokens: new Set(wordTokens(wordsText(path, text))),
    windows,
    declared: new Set(wordTokens(names)),
    declaredTokens: new Set(wordTokens(`${names} ${expandIdentifiers(names)}`)),
  };
}

/** Document frequencies over the repository's code files (the words table's rows). */
export class TermIdf {
  private readonly df = new Map<string, number>();
  private files = 0;

  add(tokens: Set<string>): void {
    this.files++;
    for (const token of tokens) this.df.set(token, (this.df.get(token) ?? 0) + 1);
  }

  /** BM25's idf of a term (the rarest of its tokens), as FileBm25 and FTS5 compute it. */
  idf(term: string[]): number {
    return idfOf(Math.min(...term.map((token) => this.df.get(token) ?? 0)), this.files);
  }
}

/** The evidence of one file for one question. */
export function termEvidence(
  terms: { tokens: string[]; idf: number }[],
  identifiers: string[],
  file: FileTerms,
): TermEvidence {
  const share = (tokens: Set<string>) => termShare(terms, tokens);
  let span = 0;
  for (const window of file.windows) span = Math.max(span, share(window));
  return {
    coverage: share(file.tokens),
    span,
    defines: identifiers.length ? identifiers.filter((name) => file.declared.has(name)).length / identifiers.length : 0,
    declares: share(file.declaredTokens),
  };
}

/** The evidence of every candidate of every question of one dump, from the checkout's text at the dump's commit. */
export function evidenceForDump(
  dump: Pick<SearchDump, 'name' | 'commit' | 'questions'>,
  files: { path: string; text: string }[],
): { file: EvidenceFile; missing: number } {
  const idf = new TermIdf();
  const texts = new Map<string, string>();
  for (const { path, text } of files) {
    texts.set(path, text);
    if (inWordsTable(path)) idf.add(new Set(wordTokens(wordsText(path, text))));
  }
  const read = new Map<string, FileTerms | null>();
  const termsOf = (path: string) => {
    if (!read.has(path)) {
      const text = texts.get(path);
      read.set(path, text === undefined ? null : fileTerms(path, text, languageOf(path)));
    }
    return read.get(path)!;
  };
  let missing = 0;
  const questions = dump.questions.map((question) => {
    const terms = questionTerms(question.query).map((tokens) => ({ tokens, idf: idf.idf(tokens) }));
    const identifiers = questionIdentifiers(question.query);
    const paths = new Set(Object.values(question.lists).flatMap((list) => list.map((c: { path: string }) => c.path)));
    const out: EvidenceFile['questions'][number]['files'] = {};
    for (const path of [...paths].sort()) {
      const file = termsOf(path);
      if (!file) {
        missing++;
        continue;
      }
      out[path] = evidenceValues(termEvidence(terms, identifiers, file)).map(
        (value) => Math.round(value * 1e4) / 1e4,
      ) as EvidenceFile['questions'][number]['files'][string];
    }
    return { query: question.query, files: out };
  });
  return { file: { version: 1, name: dump.name, commit: dump.commit, questions }, missing };
}
