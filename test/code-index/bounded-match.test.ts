import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { boundedTopByBm25 } from '../../src/code-index/store/bounded-match';
import { FileHistory } from '../../src/code-index/store/file-history';
import { FileIndex } from '../../src/code-index/store/file-index';

type Row = { rowId: number; path: string; rank: number };

/** A table of `rows` documents: every one holds "entry" and "ledger"; every 40th "zebra"; every 3rd "account". */
function seed(sql: SqlStorage, rows: number): void {
  sql.exec("CREATE VIRTUAL TABLE t_fts USING fts5(path, body, tokenize = 'porter unicode61')");
  sql.exec('CREATE TABLE t_rows (id INTEGER PRIMARY KEY, path TEXT NOT NULL)');
  for (let id = 1; id <= rows; id++) {
    const path = `src/pkg${id % 7}/mod${id}.ts`;
    const words = ['entry', 'ledger'];
    if (id % 40 === 0) words.push('zebra', id % 80 === 0 ? 'zebra' : '');
    if (id % 3 === 0) words.push('account', 'account');
    sql.exec('INSERT INTO t_rows (id, path) VALUES (?, ?)', id, path);
    sql.exec('INSERT INTO t_fts (rowid, path, body) VALUES (?, ?, ?)', id, path, `${words.join(' ')} filler${id}`);
  }
}

/** What FTS5 gives when it scores every match. */
function unbounded(sql: SqlStorage, match: string, limit: number): { id: number; rank: number }[] {
  return sql
    .exec<{ id: number; rank: number }>(
      'SELECT rowid AS id, bm25(t_fts, 1, 1) AS rank FROM t_fts WHERE t_fts MATCH ? ORDER BY rank, rowid LIMIT ?',
      match,
      limit,
    )
    .toArray();
}

const spec = { fts: 't_fts', table: 't_rows', alias: 'r', where: [], params: [], weights: [1, 1] };

async function inObject<T>(work: (sql: SqlStorage) => T): Promise<T> {
  const ns = env.REPO_INDEX!;
  const stub = ns.get(ns.idFromName(`bounded-match-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => work(state.storage.sql));
}

// The query bound of docs/code-index.md: a search scores at most the cap's rows of each FTS table.
describe('boundedTopByBm25', () => {
  it('scores every match when they fit the cap: the unbounded result', async () => {
    await inObject((sql) => {
      seed(sql, 400);
      const found = boundedTopByBm25<Row>(sql, spec, '"zebra" OR "account" OR "entry"', 'r.path AS path', 20, 1000);
      expect(found.bounded).toBe(false);
      const full = unbounded(sql, '"zebra" OR "account" OR "entry"', 20);
      expect(found.rows.map((row) => [row.rowId, row.rank])).toEqual(full.map((row) => [row.id, row.rank]));
      expect(found.rows[0]!.path).toMatch(/^src\/pkg\d\/mod\d+\.ts$/);
    });
  });

  it('beyond the cap, takes the rows of the rare terms, scored exactly as unbounded, each term counted once', async () => {
    await inObject((sql) => {
      seed(sql, 400);
      // 400 rows match; "zebra" (10 rows) and "account" (133) fit a cap of 150, "entry" (400) does not.
      const match = '"entry" OR "zebra" OR "account"';
      const found = boundedTopByBm25<Row>(sql, spec, match, 'r.path AS path', 20, 150);
      expect(found).toMatchObject({ bounded: true, matched: 151 });
      const full = unbounded(sql, match, 20);
      expect(found.rows.map((row) => [row.rowId, row.rank])).toEqual(full.map((row) => [row.id, row.rank]));
    });
  });

  it('beyond the cap, ranks rows that hold only rare terms and skips FTS rows without a row, as unbounded', async () => {
    await inObject((sql) => {
      seed(sql, 400);
      // 60 more rows hold "quokka" (rare) and none of "entry"/"ledger"/"account" (common); ids 401-460,
      // and every third of them has no row in t_rows (as after a half-written file), so the
      // columns are read past the first batch of winners.
      for (let id = 401; id <= 460; id++) {
        if (id % 3) sql.exec('INSERT INTO t_rows (id, path) VALUES (?, ?)', id, `lib/q${id}.ts`);
        const words = id % 2 ? 'quokka quokka' : `quokka ${'padding '.repeat(id % 9)}`;
        sql.exec('INSERT INTO t_fts (rowid, path, body) VALUES (?, ?, ?)', id, `lib/q${id}.ts`, words);
      }
      const match = '"entry" OR "quokka" OR "zebra" OR "account"';
      // "quokka" (60), "zebra" (10) and "account" (133) fit a cap of 220; "entry" (400) does not,
      // and alone exceeds the cap, so the count of the whole `OR` is known without walking it.
      const found = boundedTopByBm25<Row>(sql, spec, match, 'r.path AS path', 30, 220);
      expect(found).toMatchObject({ bounded: true, matched: 221 });
      const paths = new Map(
        sql
          .exec<{ id: number; path: string }>('SELECT id, path FROM t_rows')
          .toArray()
          .map((r) => [r.id, r.path]),
      );
      const full = unbounded(sql, match, 460)
        .filter((row) => paths.has(row.id))
        .slice(0, 30);
      expect(full.some((row) => row.id > 400)).toBe(true);
      expect(found.rows.map((row) => [row.rowId, row.rank, row.path])).toEqual(
        full.map((row) => [row.id, row.rank, paths.get(row.id)]),
      );
    });
  });

  it('when every term is common, takes the rows holding all of them, up to the cap', async () => {
    await inObject((sql) => {
      seed(sql, 400);
      const found = boundedTopByBm25<Row>(sql, spec, '"entry" OR "ledger"', 'r.path AS path', 10, 50);
      expect(found.bounded).toBe(true);
      expect(found.rows).toHaveLength(10);
      const scores = new Map(unbounded(sql, '"entry" OR "ledger"', 400).map((row) => [row.id, row.rank]));
      for (const row of found.rows) expect(row.rank).toBe(scores.get(row.rowId));
    });
  });

  it('applies row-table filters before the cap', async () => {
    await inObject((sql) => {
      seed(sql, 400);
      const filtered = { ...spec, where: ['r.path LIKE ?'], params: ['src/pkg3/%'] };
      const found = boundedTopByBm25<Row>(sql, filtered, '"zebra" OR "entry"', 'r.path AS path', 50, 30);
      expect(found.rows.length).toBeGreaterThan(0);
      for (const row of found.rows) expect(row.path.startsWith('src/pkg3/')).toBe(true);
    });
  });
});

// The file-level field weights (SEARCH_WEIGHTS fileFields) reach bm25(): another weighting, another order.
describe('FileIndex field weights', () => {
  it('orders files by the weighted fields it is given', async () => {
    await inObject((sql) => {
      const index = new FileIndex(sql);
      // "ledger" in the path of one file, in the body (many times) of the other.
      index.write('src/ledger.ts', 'typescript', [{ symbol: null, text: 'export const x = 1;' }], '');
      index.write(
        'src/store.ts',
        'typescript',
        [{ symbol: null, text: 'ledger ledger ledger ledger entry for the ledger book' }],
        '',
      );
      const pathFirst = index.files('"ledger"', {}, 10, [10, 1, 1, 1]);
      const bodyFirst = index.files('"ledger"', {}, 10, [0.1, 1, 1, 10]);
      expect(pathFirst.map((file) => file.path)).toEqual(['src/ledger.ts', 'src/store.ts']);
      expect(bodyFirst.map((file) => file.path)).toEqual(['src/store.ts', 'src/ledger.ts']);
      expect(pathFirst[0]!.score).not.toBe(bodyFirst[1]!.score);
    });
  });

  it('matches exact words and identifier parts of code files in the plain words table, which the stemmed fields blur', async () => {
    await inObject((sql) => {
      const index = new FileIndex(sql);
      index.write('src/parser.ts', 'typescript', [{ symbol: null, text: 'export function parse(text) {}' }], '');
      index.write('src/lexer.ts', 'typescript', [{ symbol: null, text: 'const parsing = readTokenStream();' }], '');
      // Porter stems "parsing" and "parse" alike: the fielded index finds both files.
      expect(
        index
          .files('"parsing"', {}, 10, [4, 2.5, 1.5, 1])
          .map((file) => file.path)
          .sort(),
      ).toEqual(['src/lexer.ts', 'src/parser.ts']);
      // The words table does not stem: only the file that says "parsing"; identifier parts and path words match.
      expect(index.words('"parsing"', {}, 10).map((file) => file.path)).toEqual(['src/lexer.ts']);
      expect(index.words('"token" OR "stream"', {}, 10).map((file) => file.path)).toEqual(['src/lexer.ts']);
      expect(index.words('"readtokenstream"', {}, 10).map((file) => file.path)).toEqual(['src/lexer.ts']);
      expect(index.words('"parser"', {}, 10).map((file) => file.path)).toEqual(['src/parser.ts']);
      expect(index.words('"lexer"', {}, 10).length).toBe(1);
      // Code only: a test or a doc that says "parsing" is not in the words table (its idf is the code's).
      index.write('test/lexer.test.ts', 'typescript', [{ symbol: null, text: 'it("parsing", () => {})' }], '');
      index.write('docs/parsing.md', 'markdown', [{ symbol: null, text: 'parsing' }], '');
      expect(index.words('"parsing"', {}, 10).map((file) => file.path)).toEqual(['src/lexer.ts']);
      expect(index.files('"parsing"', {}, 10, [4, 2.5, 1.5, 1])).toHaveLength(4);
      index.remove('src/lexer.ts');
      expect(index.words('"parsing" OR "lexer"', {}, 10)).toEqual([]);
      // Tooling written as program code counts as code (pinia's scripts/release.mjs); configuration data does not.
      index.write('scripts/release.mjs', 'javascript', [{ symbol: null, text: 'const range = versionRange()' }], '');
      index.write('.github/workflows/release.yml', 'yaml', [{ symbol: null, text: 'range: versionRange' }], '');
      expect(index.words('"range"', {}, 10).map((file) => file.path)).toEqual(['scripts/release.mjs']);
    });
  });

  it('fills the symbols field of a language the chunker does not parse with its declared names', async () => {
    await inObject((sql) => {
      const index = new FileIndex(sql);
      index.write('crates/ignore/src/dir.rs', 'rust', [{ symbol: null, text: 'pub struct Ignore(Arc<Inner>);' }], '');
      index.write('crates/ignore/src/walk.rs', 'rust', [{ symbol: null, text: 'fn walk() { ignore.matched() }' }], '');
      // Only the symbols field counts: the file that declares the name is found, the one that uses it is not.
      expect(index.files('"ignore"', {}, 10, [0, 1, 0, 0]).map((file) => [file.path, file.score > 0])).toEqual([
        ['crates/ignore/src/dir.rs', true],
        ['crates/ignore/src/walk.rs', false],
      ]);
    });
  });
});

// The history field is the third FTS table a search asks: bounded the same way (FileHistory.files).
describe('FileHistory.files', () => {
  /** 400 indexed files with history, every one touched by "Reconcile ledger entry"; a removed file keeps its history. */
  function seedHistory(sql: SqlStorage): FileHistory {
    const index = new FileIndex(sql);
    const history = new FileHistory(sql);
    const paths = Array.from({ length: 400 }, (_, i) => `src/pkg${i % 7}/mod${i + 1}.${i % 2 ? 'py' : 'ts'}`);
    for (const path of paths)
      index.write(path, path.endsWith('.py') ? 'python' : 'typescript', [{ symbol: null, text: 'x' }], '');
    const commit = (n: number, subject: string, files: string[]) =>
      history.record(
        { sha: n.toString(16).padStart(40, '0'), date: `2026-01-01T00:00:${n}Z` },
        subject,
        files.map((path) => ({ path })),
        false,
      );
    commit(1, 'Reconcile ledger entry', paths);
    commit(2, 'Paint zebra stripes', [...paths.filter((_, i) => i % 40 === 0), 'gone/zebra.ts']);
    commit(
      3,
      'Account totals',
      paths.filter((_, i) => i % 3 === 0),
    );
    // Lengths differ, so scores do: a few more subjects on some files.
    for (let n = 0; n < 4; n++)
      commit(
        4 + n,
        `Tidy module ${n}`,
        paths.filter((_, i) => i % (n + 2) === 1),
      );
    history.refresh([...paths, 'gone/zebra.ts']);
    return history;
  }

  /** The query before the bound: every match joined and scored, then ordered. */
  function unboundedHistory(sql: SqlStorage, match: string, language?: string): { path: string; score: number }[] {
    return sql
      .exec<{ path: string; rank: number }>(
        `SELECT h.path AS path, bm25(history_fts) AS rank FROM history_fts
         JOIN history_files h ON h.id = history_fts.rowid JOIN file_entries s ON s.path = h.path
         WHERE history_fts MATCH ? ${language ? 'AND s.language = ?' : ''} ORDER BY rank, h.id LIMIT 20`,
        match,
        ...(language ? [language] : []),
      )
      .toArray()
      .map((row) => ({ path: row.path, score: -row.rank }));
  }

  it('beyond the cap, returns the exact top files of the unbounded query, without files that are not indexed', async () => {
    await inObject((sql) => {
      const history = seedHistory(sql);
      const match = '"ledger" OR "zebra" OR "account"';
      // 400 files match, over a cap of 150: candidates come from "zebra" (10) and "account" (134).
      const found = history.files(match, {}, 20, 150);
      expect(found).toEqual(unboundedHistory(sql, match));
      expect(found.map((file) => file.path)).not.toContain('gone/zebra.ts');
      expect(found[0]!.path).toMatch(/^src\/pkg\d\/mod\d+\.(ts|py)$/);
      const filtered = history.files(match, { language: 'python' }, 20, 150);
      expect(filtered).toEqual(unboundedHistory(sql, match, 'python'));
      expect(filtered.length).toBeGreaterThan(0);
    });
  });
});
