/**
 * Bounded BM25 over an FTS5 table: a query scores at most MATCH_CAP rows, whatever the index's
 * size. FTS5's `ORDER BY bm25() LIMIT n` scores every matching row first (50,000 rows ≈ 400 ms
 * per table on this machine); here the rows scored are capped in SQL before any join or scoring.
 *
 * When the question's terms match at most MATCH_CAP rows, every one is scored (the same result as
 * an unbounded query). Beyond it, the candidates are the rows holding the question's rarest terms
 * (those whose bounded match counts add up to at most the cap): a row without any of them can
 * only score on common, low-idf terms. Candidates are scored with every term of the question,
 * split in two so that each term is counted once: rows that also hold a common term
 * (`rare AND common`), and rows that hold none (`rare NOT common`); bm25's idf and length figures
 * are those of the whole table either way, so a candidate's score is exactly its unbounded score.
 * When even the rarest term matches more than the cap, the rows holding every term are taken, up
 * to the cap. Candidates are scored without the row table; its columns are read for the winners
 * only. Each term is counted before the whole `OR`, which is not counted when one term alone
 * exceeds the cap.
 */

/** Most rows one query of one table scores. */
export const MATCH_CAP = 4000;

/** How to rank and join one FTS5 table. */
export interface RankedTable {
  fts: string;
  table: string;
  alias: string;
  /** Conditions on the row table (`alias.column …`), applied before the cap, and their parameters. */
  where: string[];
  params: unknown[];
  weights: readonly number[];
}

/** What a bounded search found, and how. */
export interface BoundedRows<Row> {
  rows: Row[];
  /** Rows the question's terms match, counted up to the cap (cap + 1 means more). */
  matched: number;
  /** Whether candidates were restricted to rare terms (the index held more matches than the cap). */
  bounded: boolean;
}

/** The quoted terms of a MATCH expression made of `"a" OR "b" …` (as ftsQuery writes it). */
function termsOf(match: string): string[] {
  return match.split(' OR ').filter((term) => /^"[^"]*"$/.test(term));
}

/**
 * The top `limit` rows of `spec.fts` by weighted bm25 for `match` (`"a" OR "b"` …), with
 * `columns` of the row table, scoring at most `cap` rows (see above).
 */
export function boundedTopByBm25<Row extends { rowId: number; rank: number }>(
  sql: SqlStorage,
  spec: RankedTable,
  match: string,
  columns: string,
  limit: number,
  cap = MATCH_CAP,
): BoundedRows<Row> {
  const { fts, table, alias } = spec;
  const rank = `bm25(${fts}, ${spec.weights.map(Number).join(', ')})`;
  const join = spec.where.length ? `JOIN ${table} ${alias} ON ${alias}.id = ${fts}.rowid` : '';
  const where = [`${fts} MATCH ?`, ...spec.where].join(' AND ');
  const count = (expression: string) =>
    sql
      .exec<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${fts} ${join} WHERE ${where} LIMIT ?)`,
        expression,
        ...spec.params,
        cap + 1,
      )
      .one().n;
  // The candidates are scored inside a LIMIT (bm25 runs on at most `cap` rows), then ordered and joined.
  const top = (expression: string) =>
    sql
      .exec<Row>(
        `SELECT top.id AS rowId, ${columns}, top.rank AS rank FROM (SELECT ${fts}.rowid AS id, ${rank} AS rank FROM ${fts} ${join} WHERE ${where} LIMIT ?) top
         JOIN ${table} ${alias} ON ${alias}.id = top.id ORDER BY top.rank, top.id LIMIT ?`,
        expression,
        ...spec.params,
        cap,
        limit,
      )
      .toArray();
  // Scores only (no join to the row table): the candidates' columns are read for the winners alone.
  const scores = (expression: string) =>
    sql
      .exec<{ id: number; rank: number }>(
        `SELECT ${fts}.rowid AS id, ${rank} AS rank FROM ${fts} ${join} WHERE ${where} LIMIT ?`,
        expression,
        ...spec.params,
        cap,
      )
      .toArray();
  // The first `limit` of `ranked` (best first) that have a row, with their columns.
  const withColumns = (ranked: { id: number; rank: number }[]): Row[] => {
    const rows: Row[] = [];
    for (let from = 0; rows.length < limit && from < ranked.length; from += limit) {
      const part = ranked.slice(from, from + limit);
      const found = new Map(
        sql
          .exec<Row>(
            `SELECT ${alias}.id AS rowId, ${columns} FROM json_each(?) ids JOIN ${table} ${alias} ON ${alias}.id = ids.value`,
            JSON.stringify(part.map(({ id }) => id)),
          )
          .toArray()
          .map((row) => [row.rowId, row]),
      );
      for (const { id, rank: score } of part) {
        const row = found.get(id);
        if (row && rows.length < limit) rows.push({ ...row, rank: score });
      }
    }
    return rows;
  };

  // Each term's matches are counted first: when one alone exceeds the cap, so does the whole `OR`
  // (its count, capped at cap + 1, is then known without walking the `OR` again).
  const terms = termsOf(match)
    .map((term) => ({ term, n: count(term) }))
    .sort((a, b) => a.n - b.n);
  const matched = terms.some(({ n }) => n > cap) ? cap + 1 : count(match);
  if (matched <= cap) return { rows: top(match), matched, bounded: false };

  const rare: string[] = [];
  let total = 0;
  for (const { term, n } of terms) {
    if (total + n > cap) break;
    rare.push(term);
    total += n;
  }
  if (!rare.length) {
    // Every term is common: the rows holding all of them (bm25 counts each term once there too),
    // then, if too few do, the first rows holding any.
    const all = top(terms.map(({ term }) => term).join(' AND '));
    if (all.length < limit) {
      const seen = new Set(all.map((row) => row.rowId));
      for (const row of top(match)) if (all.length < limit && !seen.has(row.rowId)) all.push(row);
    }
    return { rows: all, matched, bounded: true };
  }
  const common = terms.slice(rare.length).map(({ term }) => term);
  const rareOr = `(${rare.join(' OR ')})`;
  const scored = common.length
    ? [...scores(`${rareOr} AND (${common.join(' OR ')})`), ...scores(`${rareOr} NOT (${common.join(' OR ')})`)]
    : scores(rareOr);
  scored.sort((a, b) => a.rank - b.rank || a.id - b.id);
  return { rows: withColumns(scored), matched, bounded: true };
}
