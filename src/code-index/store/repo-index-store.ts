import type { Chunk } from '../chunking/chunk';
import type { SkipReason } from '../pipeline/filter';
import type { Redaction } from '../../redaction/secrets';
import type { RunRecord, RunState } from '../pipeline/run';
import { expandIdentifiers, splitIdentifier } from '../ranking/tokens';
import { FileIndex } from './file-index';

export type { ModuleSummary } from './module-summary';

export interface StoredChunk extends Chunk {
  id: number;
  hash: string;
}

export interface PreparedChunk extends Chunk {
  /** Content hash (symbol + text): the embedding cache key. */
  hash: string;
}

export type { SearchFilters } from './search-filters';

export interface RankedHit {
  id: number;
  score: number;
  /** How much this hit's rank counts in fusion (0-1); lexical hits carry their query-term coverage. */
  weight?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY, sha TEXT NOT NULL, language TEXT, chunks INTEGER NOT NULL DEFAULT 0,
  skip_reason TEXT, redactions INTEGER NOT NULL DEFAULT 0, dropped INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY, path TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
  language TEXT NOT NULL, symbol TEXT, kind TEXT NOT NULL, hash TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path);
CREATE INDEX IF NOT EXISTS chunks_by_hash ON chunks(hash);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(path, symbol, body, tokenize = 'porter unicode61');
CREATE TABLE IF NOT EXISTS embeddings (hash TEXT NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (hash, model));
CREATE TABLE IF NOT EXISTS redactions (path TEXT NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS redactions_by_path ON redactions(path);
`;

/** An FTS5 query: every word and identifier part of the question, quoted, any of them may match. */
export function ftsQuery(question: string): string | null {
  const terms = new Set<string>();
  // FTS5's unicode61 folds diacritics ("Sätteri" is indexed as "satteri"): fold the question the same way.
  const folded = question.normalize('NFKD').replace(/\p{M}+/gu, '');
  for (const match of folded.matchAll(/[A-Za-z0-9_$]+/g)) {
    const word = match[0].toLowerCase();
    if (word.length > 1) terms.add(word);
    for (const part of splitIdentifier(match[0])) terms.add(part);
  }
  const list = [...terms]
    .filter(
      (term) =>
        term.length > 1 &&
        !/^(the|and|for|how|what|where|does|with|from|this|that|are|is|of|to|in|on|a|an)$/.test(term),
    )
    .slice(0, 24);
  return list.length ? list.map((term) => `"${term.replace(/"/g, '')}"`).join(' OR ') : null;
}

/** The SQLite side of a repository index: files, chunks, the FTS5 index, the embedding cache. */
export class RepoIndexStore {
  /** The file-level lexical index and summaries, kept in step with the chunks. */
  readonly files: FileIndex;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    this.files = new FileIndex(sql);
  }

  getMeta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  // ---- files and chunks

  fileShas(): Map<string, { sha: string; skipped: SkipReason | null }> {
    const out = new Map<string, { sha: string; skipped: SkipReason | null }>();
    for (const row of this.sql.exec<{ path: string; sha: string; skip_reason: string | null }>(
      'SELECT path, sha, skip_reason FROM files',
    )) {
      out.set(row.path, { sha: row.sha, skipped: row.skip_reason as SkipReason | null });
    }
    return out;
  }

  chunkHashesOf(path: string): string[] {
    return this.sql
      .exec<{ hash: string }>('SELECT hash FROM chunks WHERE path = ?', path)
      .toArray()
      .map((row) => row.hash);
  }

  /** Remove a file's chunks and rows; returns the chunk ids removed. */
  deleteFile(path: string): number[] {
    const ids = this.sql
      .exec<{ id: number }>('SELECT id FROM chunks WHERE path = ?', path)
      .toArray()
      .map((row) => row.id);
    this.sql.exec('DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE path = ?)', path);
    this.files.remove(path);
    this.sql.exec('DELETE FROM chunks WHERE path = ?', path);
    this.sql.exec('DELETE FROM redactions WHERE path = ?', path);
    this.sql.exec('DELETE FROM files WHERE path = ?', path);
    return ids;
  }

  markSkipped(path: string, sha: string, reason: SkipReason): number[] {
    const removed = this.deleteFile(path);
    this.sql.exec('INSERT INTO files (path, sha, skip_reason) VALUES (?, ?, ?)', path, sha, reason);
    return removed;
  }

  /** Replace a file's chunks under the given ids (see RunStore.chunkIdsFor); returns the ids written and removed. */
  writeFile(
    path: string,
    sha: string,
    language: string,
    chunks: PreparedChunk[],
    redactions: Redaction[],
    dropped: number,
    chunkIds: number[],
    summary = '',
    modelSummary: string | null = null,
  ): { written: number[]; removed: number[] } {
    const removed = this.deleteFile(path);
    this.files.write(path, language, chunks, summary, modelSummary);
    this.sql.exec(
      'INSERT INTO files (path, sha, language, chunks, redactions, dropped) VALUES (?, ?, ?, ?, ?, ?)',
      path,
      sha,
      language,
      chunks.length,
      redactions.length,
      dropped,
    );
    for (const redaction of redactions)
      this.sql.exec('INSERT INTO redactions (path, line, kind) VALUES (?, ?, ?)', path, redaction.line, redaction.kind);
    const ids: number[] = [];
    const pathTerms = `${path} ${path.split(/[/._-]+/).join(' ')} ${expandIdentifiers(path)}`;
    chunks.forEach((chunk, i) => {
      const id = chunkIds[i]!;
      this.sql.exec(
        'INSERT INTO chunks (id, path, start_line, end_line, language, symbol, kind, hash, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        id,
        path,
        chunk.startLine,
        chunk.endLine,
        chunk.language,
        chunk.symbol,
        chunk.kind,
        chunk.hash,
        chunk.text,
      );
      const symbolTerms = chunk.symbol ? `${chunk.symbol} ${expandIdentifiers(chunk.symbol)}` : '';
      this.sql.exec(
        'INSERT INTO chunks_fts (rowid, path, symbol, body) VALUES (?, ?, ?, ?)',
        id,
        pathTerms,
        symbolTerms,
        `${chunk.text}\n${expandIdentifiers(chunk.text)}`,
      );
      ids.push(id);
    });
    return { written: ids, removed };
  }

  chunksByIds(ids: number[]): StoredChunk[] {
    if (!ids.length) return [];
    const rows = this.sql
      .exec<{
        id: number;
        path: string;
        start_line: number;
        end_line: number;
        language: string;
        symbol: string | null;
        kind: string;
        hash: string;
        text: string;
      }>(
        `SELECT id, path, start_line, end_line, language, symbol, kind, hash, text FROM chunks WHERE id IN (${ids.map(() => '?').join(',')})`,
        ...ids,
      )
      .toArray();
    return rows.map((row) => ({
      id: row.id,
      path: row.path,
      startLine: row.start_line,
      endLine: row.end_line,
      language: row.language,
      symbol: row.symbol,
      kind: row.kind,
      hash: row.hash,
      text: row.text,
    }));
  }

  // ---- embeddings (the content-hash cache, and the embedded vector store)

  cachedHashes(hashes: string[], model: string): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < hashes.length; i += 90) {
      const slice = hashes.slice(i, i + 90);
      for (const row of this.sql.exec<{ hash: string }>(
        `SELECT hash FROM embeddings WHERE model = ? AND hash IN (${slice.map(() => '?').join(',')})`,
        model,
        ...slice,
      )) {
        found.add(row.hash);
      }
    }
    return found;
  }

  /** Cached vectors for these content hashes under `model`. */
  embeddingsFor(hashes: string[], model: string): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (let i = 0; i < hashes.length; i += 90) {
      const slice = hashes.slice(i, i + 90);
      for (const row of this.sql.exec<{ hash: string; vector: ArrayBuffer }>(
        `SELECT hash, vector FROM embeddings WHERE model = ? AND hash IN (${slice.map(() => '?').join(',')})`,
        model,
        ...slice,
      )) {
        out.set(row.hash, new Float32Array(row.vector));
      }
    }
    return out;
  }

  putEmbedding(hash: string, model: string, vector: Float32Array): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO embeddings (hash, model, vector) VALUES (?, ?, ?)',
      hash,
      model,
      vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength),
    );
  }

  // ---- status

  counts(): { files: number; skipped: number; chunks: number; redactions: number } {
    const files = this.sql
      .exec<{ indexed: number; skipped: number }>(
        'SELECT sum(skip_reason IS NULL) AS indexed, sum(skip_reason IS NOT NULL) AS skipped FROM files',
      )
      .one();
    const chunks = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM chunks').one().n;
    const redactions = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM redactions').one().n;
    return { files: files.indexed ?? 0, skipped: files.skipped ?? 0, chunks, redactions };
  }

  /** Drop cached vectors no chunk uses any more (deleted or changed code), and those of other models. */
  pruneVectors(model: string | null): number {
    const before = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM embeddings').one().n;
    this.sql.exec('DELETE FROM embeddings WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.hash = embeddings.hash)');
    if (model) this.sql.exec('DELETE FROM embeddings WHERE model <> ?', model);
    return before - this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM embeddings').one().n;
  }

  embeddedCount(model: string): { embedded: number; cached: number } {
    const embedded = this.sql
      .exec<{ n: number }>(
        'SELECT count(*) AS n FROM chunks c WHERE EXISTS (SELECT 1 FROM embeddings e WHERE e.hash = c.hash AND e.model = ?)',
        model,
      )
      .one().n;
    const cached = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM embeddings WHERE model = ?', model).one().n;
    return { embedded, cached };
  }

  skipsByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.sql.exec<{ reason: string; n: number }>(
      'SELECT skip_reason AS reason, count(*) AS n FROM files WHERE skip_reason IS NOT NULL GROUP BY skip_reason',
    ))
      out[row.reason] = row.n;
    return out;
  }

  skippedSample(limit: number): { path: string; reason: string }[] {
    return this.sql
      .exec<{ path: string; reason: string }>(
        'SELECT path, skip_reason AS reason FROM files WHERE skip_reason IS NOT NULL ORDER BY path LIMIT ?',
        limit,
      )
      .toArray();
  }

  redactionsByKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.sql.exec<{ kind: string; n: number }>(
      'SELECT kind, count(*) AS n FROM redactions GROUP BY kind',
    ))
      out[row.kind] = row.n;
    return out;
  }

  redactionSample(limit: number): { path: string; line: number; kind: string }[] {
    return this.sql
      .exec<{ path: string; line: number; kind: string }>(
        'SELECT path, line, kind FROM redactions ORDER BY path, line LIMIT ?',
        limit,
      )
      .toArray();
  }

  languages(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.sql.exec<{ language: string; n: number }>(
      'SELECT language, count(*) AS n FROM files WHERE skip_reason IS NULL GROUP BY language',
    ))
      out[row.language] = row.n;
    return out;
  }
}
