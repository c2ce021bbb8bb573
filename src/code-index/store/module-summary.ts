/**
 * The review's view of a repository index: its top-level modules with file and chunk
 * counts, languages and prominent declarations, read from the index object's tables.
 */

/** Directories whose children are the modules (`src/github`), rather than being one module themselves. */
const CONTAINER_DIRS = [
  'src',
  'lib',
  'app',
  'apps',
  'packages',
  'pkg',
  'internal',
  'cmd',
  'test',
  'tests',
  'crates',
  'modules',
  'services',
];

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

/**
 * The largest modules by chunk count (at most `maxModules`), each with its file and chunk
 * counts, languages and up to `maxSymbols` prominent top-level declarations; plus how
 * many modules there are in all. Three aggregate queries, whatever the repository's size.
 */
export function moduleSummaries(
  sql: SqlStorage,
  maxModules: number,
  maxSymbols: number,
): { total: number; modules: ModuleSummary[] } {
  const total = sql.exec<{ n: number }>(`${FILES_BY_MODULE} SELECT count(DISTINCT module) AS n FROM m`).one().n;
  const top = sql
    .exec<{ module: string; files: number; chunks: number }>(
      `${FILES_BY_MODULE} SELECT module, count(*) AS files, sum(chunks) AS chunks FROM m GROUP BY module ORDER BY chunks DESC, module LIMIT ?`,
      maxModules,
    )
    .toArray();
  if (!top.length) return { total, modules: [] };
  const modules = new Map<string, ModuleSummary>(
    top.map((row) => [
      row.module,
      { module: row.module, files: row.files, chunks: row.chunks ?? 0, languages: [], symbols: [] },
    ]),
  );
  const names = top.map((row) => row.module);
  const placeholders = names.map(() => '?').join(', ');
  for (const row of sql.exec<{ module: string; language: string; n: number }>(
    `${FILES_BY_MODULE} SELECT module, language, count(*) AS n FROM m WHERE module IN (${placeholders}) GROUP BY module, language ORDER BY n DESC, language`,
    ...names,
  )) {
    modules.get(row.module)!.languages.push({ language: row.language, files: row.n });
  }
  const unnamed = UNNAMED_KINDS.map((k) => `'${k}'`).join(', ');
  const symbols = sql.exec<{
    module: string;
    name: string;
    kind: string;
    chunks: number;
    lines: number;
    exported: number;
  }>(
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
    modules.get(row.module)!.symbols.push({
      name: row.name,
      kind: row.kind,
      chunks: row.chunks,
      lines: row.lines,
      exported: row.exported === 1,
    });
  }
  return { total, modules: [...modules.values()] };
}
