import type { ChunkCandidate, FileCandidate } from '../ranking/files';
import { codeTokens, expandIdentifiers } from '../ranking/tokens';
import { idfOf, matchTerms, termShare, wordTokens } from '../ranking/term-evidence';
import { boundedTopByBm25 } from './bounded-match';
import { declaredNames } from '../summary/declared-names';
import { pathRole, type PathRole } from '../ranking/path-prior';
import type { SearchFilters } from './search-filters';

const SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS file_fts USING fts5(path, symbols, summary, body, tokenize = 'porter unicode61');
CREATE TABLE IF NOT EXISTS file_entries (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, language TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_model_summaries (path TEXT PRIMARY KEY, summary TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS file_words USING fts5(words, tokenize = "unicode61 tokenchars '_'");
CREATE VIRTUAL TABLE IF NOT EXISTS file_words_terms USING fts5vocab(file_words, 'row');
`;

/**
 * The version of what the index stores per file (fields, summaries). An index written under
 * another version is rebuilt by the next run (see IndexPipeline.plan).
 */
export const INDEX_LAYOUT = 'files-v6';

/**
 * Files the words table holds: code (and hand-written declarations), not tests, docs, examples,
 * benchmarks or configuration, so its idf is that of the code a question is usually about; in
 * a monorepo full of fixtures and docs the idf over every file buries the code's own words.
 */
const WORDS_ROLES = new Set<PathRole>(['source', 'generated', 'tooling']);

/** Code, hand-written declarations and tooling written as program code (scripts/release.mjs), as the code-files baseline reads. */
export function inWordsTable(path: string): boolean {
  return WORDS_ROLES.has(pathRole(path));
}

/** `path` starts with `prefix`, without LIKE (workerd's SQLite refuses long LIKE patterns). */
function prefixClause(column: string): string {
  return `substr(${column}, 1, length(?)) = ?`;
}

/** Path segments and identifier parts: what the path field is matched on. */
export function pathTerms(path: string): string {
  return `${path} ${path.split(/[/._-]+/).join(' ')} ${expandIdentifiers(path)}`;
}

/**
 * The file-level side of the lexical index: one FTS5 row per file with weighted fields (path
 * segments, declared symbols, the deterministic summary, the body), and the summaries returned
 * with search hits. Written and removed together with the file's chunks (RepoIndexStore).
 */
export class FileIndex {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** The model-written summary, when there is one, is searched in the summary field beside the deterministic one. */
  write(
    path: string,
    language: string,
    chunks: { symbol: string | null; text: string }[],
    summary: string,
    modelSummary: string | null = null,
  ): void {
    this.remove(path);
    if (modelSummary)
      this.sql.exec('INSERT INTO file_model_summaries (path, summary) VALUES (?, ?)', path, modelSummary);
    const summaryField = modelSummary ? `${summary}\n${modelSummary}` : summary;
    const body = chunks.map((chunk) => chunk.text).join('\n');
    const chunkSymbols = chunks.map((chunk) => chunk.symbol).filter((symbol): symbol is string => Boolean(symbol));
    // Languages the chunker does not parse have no chunk symbols: their declared names by pattern.
    const symbols = [...new Set(chunkSymbols.length ? chunkSymbols : declaredNames(body, language))].join(' ');
    // The entry's id is the FTS row's id (RETURNING does not give a virtual table's rowid).
    const id = this.sql
      .exec<{ id: number }>(
        'INSERT INTO file_entries (path, language, summary) VALUES (?, ?, ?) RETURNING id',
        path,
        language,
        summary,
      )
      .one().id;
    this.sql.exec(
      'INSERT INTO file_fts (rowid, path, symbols, summary, body) VALUES (?, ?, ?, ?, ?)',
      id,
      pathTerms(path),
      `${symbols} ${expandIdentifiers(symbols)}`,
      `${summaryField}\n${expandIdentifiers(summaryField)}`,
      `${body}\n${expandIdentifiers(body)}`,
    );
    // Code files only, as one bag of exact words and identifier parts (no stemming, no fields): BM25
    // over it is the plain file-level signal (FileIndex.words), its idf that of the code alone.
    if (inWordsTable(path))
      this.sql.exec(
        'INSERT INTO file_words (rowid, words) VALUES (?, ?)',
        id,
        `${path} ${expandIdentifiers(path)}\n${body}\n${expandIdentifiers(body)}`,
      );
  }

  remove(path: string): void {
    this.sql.exec('DELETE FROM file_fts WHERE rowid IN (SELECT id FROM file_entries WHERE path = ?)', path);
    this.sql.exec('DELETE FROM file_words WHERE rowid IN (SELECT id FROM file_entries WHERE path = ?)', path);
    this.sql.exec('DELETE FROM file_entries WHERE path = ?', path);
    this.sql.exec('DELETE FROM file_model_summaries WHERE path = ?', path);
  }

  private filters(filters: SearchFilters, alias: string): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filters.path) {
      where.push(prefixClause(`${alias}.path`));
      params.push(filters.path, filters.path);
    }
    if (filters.language) {
      where.push(`${alias}.language = ?`);
      params.push(filters.language);
    }
    return { where, params };
  }

  /** Whole files by field-weighted BM25 (weights: path, symbols, summary, body), best first; bounded work (boundedTopByBm25). */
  files(match: string, filters: SearchFilters, limit: number, weights: readonly number[]): FileCandidate[] {
    return this.rankedFiles('file_fts', match, filters, limit, weights);
  }

  /**
   * Code files by plain BM25 over exact words and identifier parts (path and text in one bag, no
   * stemming, no fields: `parsing` does not match `parse`), best first; bounded like `files`.
   */
  words(match: string, filters: SearchFilters, limit: number): FileCandidate[] {
    return this.rankedFiles('file_words', match, filters, limit, [1]);
  }

  private rankedFiles(
    fts: string,
    match: string,
    filters: SearchFilters,
    limit: number,
    weights: readonly number[],
  ): FileCandidate[] {
    const table = { fts, table: 'file_entries', alias: 's', ...this.filters(filters, 's'), weights };
    return boundedTopByBm25<{ rowId: number; path: string; rank: number }>(
      this.sql,
      table,
      match,
      's.path AS path',
      limit,
    ).rows.map((row) => ({ path: row.path, score: -row.rank }));
  }

  /** Chunks by field-weighted BM25 over the chunk index (weights: path, symbol, body), best first, with their files. */
  chunks(match: string, filters: SearchFilters, limit: number, weights: readonly number[]): ChunkCandidate[] {
    const table = { fts: 'chunks_fts', table: 'chunks', alias: 'c', ...this.filters(filters, 'c'), weights };
    return boundedTopByBm25<{ rowId: number; path: string; rank: number }>(
      this.sql,
      table,
      match,
      'c.path AS path',
      limit,
    ).rows.map((row) => ({ id: row.rowId, path: row.path, score: -row.rank }));
  }

  /**
   * TermEvidence.declares of each of `paths` (a search's candidates) for `match` (ftsQuery): the
   * idf-weighted share of the question's terms among the tokens of the names the file declares
   * (its symbols field), idf over the words table. Bounded work: one vocabulary lookup per term
   * (at most 24), one count, and the symbols of the given files only.
   */
  declares(paths: string[], match: string | null): Map<string, number> {
    const out = new Map<string, number>();
    const terms = matchTerms(match);
    if (!terms.length || !paths.length) return out;
    const files = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM file_words').one().n;
    const df = (token: string) =>
      this.sql.exec<{ doc: number }>('SELECT doc FROM file_words_terms WHERE term = ?', token).toArray()[0]?.doc ?? 0;
    const weighted = terms.map((tokens) => ({ tokens, idf: idfOf(Math.min(...tokens.map(df)), files) }));
    for (let i = 0; i < paths.length; i += 90) {
      const slice = paths.slice(i, i + 90);
      for (const row of this.sql.exec<{ path: string; symbols: string }>(
        `SELECT e.path AS path, f.symbols AS symbols FROM file_entries e JOIN file_fts f ON f.rowid = e.id WHERE e.path IN (${slice.map(() => '?').join(',')})`,
        ...slice,
      ))
        out.set(row.path, termShare(weighted, new Set(wordTokens(row.symbols))));
    }
    return out;
  }

  /** Where chunks live: to group hits of a signal that carries only chunk ids. */
  chunkPaths(ids: number[]): Map<number, string> {
    const out = new Map<number, string>();
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      for (const row of this.sql.exec<{ id: number; path: string }>(
        `SELECT id, path FROM chunks WHERE id IN (${slice.map(() => '?').join(',')})`,
        ...slice,
      ))
        out.set(row.id, row.path);
    }
    return out;
  }

  /** The summaries of these files. */
  summaries(paths: string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (let i = 0; i < paths.length; i += 90) {
      const slice = paths.slice(i, i + 90);
      for (const row of this.sql.exec<{ path: string; summary: string }>(
        `SELECT path, summary FROM file_entries WHERE path IN (${slice.map(() => '?').join(',')})`,
        ...slice,
      )) {
        if (row.summary) out.set(row.path, row.summary);
      }
    }
    return out;
  }

  /** The model-written summaries of these files (only files that have one). */
  modelSummaries(paths: string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (let i = 0; i < paths.length; i += 90) {
      const slice = paths.slice(i, i + 90);
      for (const row of this.sql.exec<{ path: string; summary: string }>(
        `SELECT path, summary FROM file_model_summaries WHERE path IN (${slice.map(() => '?').join(',')})`,
        ...slice,
      ))
        out.set(row.path, row.summary);
    }
    return out;
  }

  /** The chunk of a file that holds most of the question's terms (the first one when none does). */
  bestChunkOf(path: string, question: string): number | null {
    const terms = new Set(codeTokens(question, { dropStopwords: true }));
    const prefixes = [...terms].map((term) => (term.endsWith('y') ? term.slice(0, -1) : term));
    let best: { id: number; hits: number } | null = null;
    // Bounded work whatever the file's size: the first 80 chunks, the first 2,000 characters of each.
    for (const row of this.sql.exec<{ id: number; symbol: string | null; text: string }>(
      "SELECT id, symbol, substr(text, 1, 2000) AS text FROM chunks WHERE path = ? AND kind != 'imports' ORDER BY start_line LIMIT 80",
      path,
    )) {
      const text = `${row.symbol ?? ''} ${row.text}`;
      // A token is a lower-cased word or word part cut by the stemmer (`ies` becomes `y`), so a
      // term among the chunk's tokens is also in its lower-cased text (less a final `y`): count
      // those first and tokenize only a chunk that could beat the best so far. Same choice,
      // a fraction of the tokenizing.
      if (best) {
        const lower = text.toLowerCase();
        let possible = 0;
        for (const term of prefixes) if (lower.includes(term)) possible++;
        if (possible <= best.hits) continue;
      }
      const present = new Set(codeTokens(text));
      let hits = 0;
      for (const term of terms) if (present.has(term)) hits++;
      if (!best || hits > best.hits) best = { id: row.id, hits };
    }
    return best?.id ?? null;
  }
}
