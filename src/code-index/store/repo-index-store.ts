import type { Chunk } from '../chunking/chunk';
import type { SkipReason } from '../pipeline/filter';
import type { Redaction } from '../../redaction/secrets';
import type { RunRecord, RunState } from '../pipeline/run';
import { expandIdentifiers, splitIdentifier } from '../ranking/tokens';
import { FileIndex } from './file-index';

export interface StoredChunk extends Chunk {
  id: number;
  hash: string;
}

export interface PreparedChunk extends Chunk {
  /** Content hash (symbol + text): the embedding cache key. */
  hash: string;
}

export interface SearchFilters {
  /** Only paths starting with this prefix. */
  path?: string;
  language?: string;
}

export interface RankedHit {
  id: number;
  score: number;
  /** How much this hit's rank counts in fusion (0-1); lexical hits carry their query-term coverage. */
  weight?: number;
}

/** One top-level directory of the repository, as the index sees it. */
export interface ModuleSummary {
  /** `src/github`, `lib/util`, `docs`, or `.` for files at the root. */
  module: string;
  files: number;
  chunks: number;
  /** Languages by file count, most files first. */
  languages: { language: string; files: number }[];
  /**
   * The most prominent top-level declarations: exported first, then by chunk count (methods
   * included); small declarations chunked together come last, as one `block` named by its members.
   */
  symbols: { name: string; kind: string; chunks: number; lines: number; exported: boolean }[];
}

/** Directories whose children are the modules (`src/github`), rather than being one module themselves. */
const CONTAINER_DIRS = ['src', 'lib', 'app', 'apps', 'packages', 'pkg', 'internal', 'cmd', 'test', 'tests', 'crates', 'modules', 'services'];

/** Kinds that are not declarations worth naming in a module summary (a `block` of small declarations is named, after real ones). */
const UNNAMED_KINDS = ['imports', 'import', 'comment', 'statement', 'section', 'text', 'method', 'part'];

/** Indexed files with the module they belong to (see CONTAINER_DIRS). */
const FILES_BY_MODULE = `
WITH f AS (SELECT path, language, chunks, instr(path, '/') AS i FROM files WHERE skip_reason IS NULL),
g AS (SELECT path, language, chunks, CASE WHEN i = 0 THEN '' ELSE substr(path, 1, i - 1) END AS head, substr(path, i + 1) AS rest FROM f),
m AS (SELECT path, language, chunks,
  CASE WHEN head = '' THEN '.'
       WHEN head IN (${CONTAINER_DIRS.map((d) => `'${d}'`).join(', ')}) AND instr(rest, '/') > 0 THEN head || '/' || substr(rest, 1, instr(rest, '/') - 1)
       ELSE head END AS module FROM g)`;

export interface WorkItem {
  seq: number;
  op: 'upsert' | 'delete';
  path: string;
  sha: string | null;
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
CREATE TABLE IF NOT EXISTS work (seq INTEGER PRIMARY KEY, op TEXT NOT NULL, path TEXT NOT NULL, sha TEXT);
CREATE TABLE IF NOT EXISTS run_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, finished_at INTEGER NOT NULL, record TEXT NOT NULL);
`;

/** An FTS5 query: every word and identifier part of the question, quoted, any of them may match. */
export function ftsQuery(question: string): string | null {
  const terms = new Set<string>();
  for (const match of question.matchAll(/[A-Za-z0-9_$]+/g)) {
    const word = match[0].toLowerCase();
    if (word.length > 1) terms.add(word);
    for (const part of splitIdentifier(match[0])) terms.add(part);
  }
  const list = [...terms].filter((term) => term.length > 1 && !/^(the|and|for|how|what|where|does|with|from|this|that|are|is|of|to|in|on|a|an)$/.test(term)).slice(0, 24);
  return list.length ? list.map((term) => `"${term.replace(/"/g, '')}"`).join(' OR ') : null;
}

/** The SQLite side of a repository index: files, chunks, the FTS5 index, vectors, the run checkpoint. */
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
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }

  // ---- run checkpoint

  runState(): RunState | null {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM run_state WHERE id = 1').toArray()[0];
    return row ? (JSON.parse(row.state) as RunState) : null;
  }

  saveRunState(state: RunState | null): void {
    if (state) this.sql.exec('INSERT INTO run_state (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state', JSON.stringify(state));
    else this.sql.exec('DELETE FROM run_state');
  }

  recordRun(record: RunRecord): void {
    this.sql.exec('INSERT OR REPLACE INTO runs (id, finished_at, record) VALUES (?, ?, ?)', record.id, Date.parse(record.finishedAt), JSON.stringify(record));
    // Keep the last 50 runs.
    this.sql.exec('DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY finished_at DESC LIMIT 50)');
  }

  lastRun(): RunRecord | null {
    const row = this.sql.exec<{ record: string }>('SELECT record FROM runs ORDER BY finished_at DESC LIMIT 1').toArray()[0];
    return row ? (JSON.parse(row.record) as RunRecord) : null;
  }

  // ---- work queue

  clearWork(): void {
    this.sql.exec('DELETE FROM work');
  }

  addWork(op: WorkItem['op'], path: string, sha: string | null): void {
    this.sql.exec('INSERT INTO work (op, path, sha) VALUES (?, ?, ?)', op, path, sha);
  }

  nextWork(after: number, limit: number): WorkItem[] {
    return this.sql.exec<{ seq: number; op: string; path: string; sha: string | null }>('SELECT seq, op, path, sha FROM work WHERE seq > ? ORDER BY seq LIMIT ?', after, limit)
      .toArray()
      .map((row) => ({ seq: row.seq, op: row.op as WorkItem['op'], path: row.path, sha: row.sha }));
  }

  workRemaining(after: number): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM work WHERE seq > ?', after).one().n;
  }

  // ---- files and chunks

  fileShas(): Map<string, { sha: string; skipped: SkipReason | null }> {
    const out = new Map<string, { sha: string; skipped: SkipReason | null }>();
    for (const row of this.sql.exec<{ path: string; sha: string; skip_reason: string | null }>('SELECT path, sha, skip_reason FROM files')) {
      out.set(row.path, { sha: row.sha, skipped: row.skip_reason as SkipReason | null });
    }
    return out;
  }

  chunkHashesOf(path: string): string[] {
    return this.sql.exec<{ hash: string }>('SELECT hash FROM chunks WHERE path = ?', path).toArray().map((row) => row.hash);
  }

  /** Remove a file's chunks and rows; returns the chunk ids removed. */
  deleteFile(path: string): number[] {
    const ids = this.sql.exec<{ id: number }>('SELECT id FROM chunks WHERE path = ?', path).toArray().map((row) => row.id);
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

  /** Replace a file's chunks and its file-level entry; returns the ids of the chunks written and of those removed. */
  writeFile(path: string, sha: string, language: string, chunks: PreparedChunk[], redactions: Redaction[], dropped: number, summary = ''): { written: number[]; removed: number[] } {
    const removed = this.deleteFile(path);
    this.files.write(path, language, chunks, summary);
    this.sql.exec('INSERT INTO files (path, sha, language, chunks, redactions, dropped) VALUES (?, ?, ?, ?, ?, ?)', path, sha, language, chunks.length, redactions.length, dropped);
    for (const redaction of redactions) this.sql.exec('INSERT INTO redactions (path, line, kind) VALUES (?, ?, ?)', path, redaction.line, redaction.kind);
    const ids: number[] = [];
    const pathTerms = `${path} ${path.split(/[/._-]+/).join(' ')} ${expandIdentifiers(path)}`;
    for (const chunk of chunks) {
      const id = this.sql
        .exec<{ id: number }>(
          'INSERT INTO chunks (path, start_line, end_line, language, symbol, kind, hash, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
          path, chunk.startLine, chunk.endLine, chunk.language, chunk.symbol, chunk.kind, chunk.hash, chunk.text,
        )
        .one().id;
      const symbolTerms = chunk.symbol ? `${chunk.symbol} ${expandIdentifiers(chunk.symbol)}` : '';
      this.sql.exec('INSERT INTO chunks_fts (rowid, path, symbol, body) VALUES (?, ?, ?, ?)', id, pathTerms, symbolTerms, `${chunk.text}\n${expandIdentifiers(chunk.text)}`);
      ids.push(id);
    }
    return { written: ids, removed };
  }

  chunksByIds(ids: number[]): StoredChunk[] {
    if (!ids.length) return [];
    const rows = this.sql
      .exec<{ id: number; path: string; start_line: number; end_line: number; language: string; symbol: string | null; kind: string; hash: string; text: string }>(
        `SELECT id, path, start_line, end_line, language, symbol, kind, hash, text FROM chunks WHERE id IN (${ids.map(() => '?').join(',')})`,
        ...ids,
      )
      .toArray();
    return rows.map((row) => ({ id: row.id, path: row.path, startLine: row.start_line, endLine: row.end_line, language: row.language, symbol: row.symbol, kind: row.kind, hash: row.hash, text: row.text }));
  }

  // ---- embeddings (the content-hash cache, and the embedded vector store)

  cachedHashes(hashes: string[], model: string): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < hashes.length; i += 90) {
      const slice = hashes.slice(i, i + 90);
      for (const row of this.sql.exec<{ hash: string }>(`SELECT hash FROM embeddings WHERE model = ? AND hash IN (${slice.map(() => '?').join(',')})`, model, ...slice)) {
        found.add(row.hash);
      }
    }
    return found;
  }

  putEmbedding(hash: string, model: string, vector: Float32Array): void {
    this.sql.exec('INSERT OR REPLACE INTO embeddings (hash, model, vector) VALUES (?, ?, ?)', hash, model, vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
  }

  vectorsFor(ids: number[], model: string): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    for (let i = 0; i < ids.length; i += 90) {
      const slice = ids.slice(i, i + 90);
      for (const row of this.sql.exec<{ id: number; vector: ArrayBuffer }>(
        `SELECT c.id, e.vector FROM chunks c JOIN embeddings e ON e.hash = c.hash AND e.model = ? WHERE c.id IN (${slice.map(() => '?').join(',')})`,
        model, ...slice,
      )) out.set(row.id, new Float32Array(row.vector));
    }
    return out;
  }

  /** Every chunk's vector under `model`, for the in-memory matrix exact search scans. */
  allVectors(model: string): { ids: number[]; paths: string[]; languages: string[]; vectors: ArrayBuffer[] } {
    const ids: number[] = [];
    const paths: string[] = [];
    const languages: string[] = [];
    const vectors: ArrayBuffer[] = [];
    for (const row of this.sql.exec<{ id: number; path: string; language: string; vector: ArrayBuffer }>(
      "SELECT c.id, c.path, c.language, e.vector FROM chunks c JOIN embeddings e ON e.hash = c.hash AND e.model = ? WHERE c.kind != 'imports' ORDER BY c.id",
      model,
    )) {
      ids.push(row.id);
      paths.push(row.path);
      languages.push(row.language);
      vectors.push(row.vector);
    }
    return { ids, paths, languages, vectors };
  }

  // ---- status

  counts(): { files: number; skipped: number; chunks: number; redactions: number } {
    const files = this.sql.exec<{ indexed: number; skipped: number }>('SELECT sum(skip_reason IS NULL) AS indexed, sum(skip_reason IS NOT NULL) AS skipped FROM files').one();
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
    const embedded = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM chunks c WHERE EXISTS (SELECT 1 FROM embeddings e WHERE e.hash = c.hash AND e.model = ?)', model).one().n;
    const cached = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM embeddings WHERE model = ?', model).one().n;
    return { embedded, cached };
  }

  skipsByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.sql.exec<{ reason: string; n: number }>('SELECT skip_reason AS reason, count(*) AS n FROM files WHERE skip_reason IS NOT NULL GROUP BY skip_reason')) out[row.reason] = row.n;
    return out;
  }

  skippedSample(limit: number): { path: string; reason: string }[] {
    return this.sql.exec<{ path: string; reason: string }>('SELECT path, skip_reason AS reason FROM files WHERE skip_reason IS NOT NULL ORDER BY path LIMIT ?', limit).toArray();
  }

  redactionsByKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.sql.exec<{ kind: string; n: number }>('SELECT kind, count(*) AS n FROM redactions GROUP BY kind')) out[row.kind] = row.n;
    return out;
  }

  redactionSample(limit: number): { path: string; line: number; kind: string }[] {
    return this.sql.exec<{ path: string; line: number; kind: string }>('SELECT path, line, kind FROM redactions ORDER BY path, line LIMIT ?', limit).toArray();
  }

  languages(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.sql.exec<{ language: string; n: number }>('SELECT language, count(*) AS n FROM files WHERE skip_reason IS NULL GROUP BY language')) out[row.language] = row.n;
    return out;
  }

  /**
   * The largest modules by chunk count (at most `maxModules`), each with its file and chunk
   * counts, languages and up to `maxSymbols` prominent top-level declarations; plus how
   * many modules there are in all. Three aggregate queries, whatever the repository's size.
   */
  modules(maxModules: number, maxSymbols: number): { total: number; modules: ModuleSummary[] } {
    const total = this.sql.exec<{ n: number }>(`${FILES_BY_MODULE} SELECT count(DISTINCT module) AS n FROM m`).one().n;
    const top = this.sql
      .exec<{ module: string; files: number; chunks: number }>(`${FILES_BY_MODULE} SELECT module, count(*) AS files, sum(chunks) AS chunks FROM m GROUP BY module ORDER BY chunks DESC, module LIMIT ?`, maxModules)
      .toArray();
    if (!top.length) return { total, modules: [] };
    const modules = new Map<string, ModuleSummary>(top.map((row) => [row.module, { module: row.module, files: row.files, chunks: row.chunks ?? 0, languages: [], symbols: [] }]));
    const names = top.map((row) => row.module);
    const placeholders = names.map(() => '?').join(', ');
    for (const row of this.sql.exec<{ module: string; language: string; n: number }>(
      `${FILES_BY_MODULE} SELECT module, language, count(*) AS n FROM m WHERE module IN (${placeholders}) GROUP BY module, language ORDER BY n DESC, language`,
      ...names,
    )) {
      modules.get(row.module)!.languages.push({ language: row.language, files: row.n });
    }
    const unnamed = UNNAMED_KINDS.map((k) => `'${k}'`).join(', ');
    const symbols = this.sql.exec<{ module: string; name: string; kind: string; chunks: number; lines: number; exported: number }>(
      `${FILES_BY_MODULE},
      s AS (SELECT m.module, substr(c.symbol, 1, instr(c.symbol || '.', '.') - 1) AS name,
                   max(CASE WHEN instr(c.symbol, '.') = 0 THEN c.kind END) AS kind,
                   count(*) AS chunks, sum(c.end_line - c.start_line + 1) AS lines,
                   max(instr(c.symbol, '.') = 0 AND (c.text GLOB 'export*' OR instr(c.text, char(10) || 'export ') > 0)) AS exported
            FROM chunks c JOIN m ON m.path = c.path
            WHERE c.symbol IS NOT NULL AND m.module IN (${placeholders})
            GROUP BY m.module, name),
      r AS (SELECT *, row_number() OVER (PARTITION BY module ORDER BY kind = 'block', exported DESC, chunks DESC, lines DESC, name) AS rank
            FROM s WHERE kind IS NOT NULL AND kind NOT IN (${unnamed}) AND name <> '')
      SELECT module, name, kind, chunks, lines, exported FROM r WHERE rank <= ? ORDER BY module, rank`,
      ...names,
      maxSymbols,
    );
    for (const row of symbols) {
      modules.get(row.module)!.symbols.push({ name: row.name, kind: row.kind, chunks: row.chunks, lines: row.lines, exported: row.exported === 1 });
    }
    return { total, modules: [...modules.values()] };
  }
}
