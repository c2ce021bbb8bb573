/**
 * The commit each indexed file's content was read at, so every search hit can say which
 * commit it reflects. A run stamps the files it writes with its head commit; a finished
 * run stamps every file, since an unchanged file is the same at the new head.
 */
export class FileCommits {
  constructor(private readonly sql: SqlStorage) {
    const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('files')").toArray();
    if (!columns.some((column) => column.name === 'indexed_commit'))
      sql.exec('ALTER TABLE files ADD COLUMN indexed_commit TEXT');
  }

  stamp(path: string, commit: string): void {
    this.sql.exec('UPDATE files SET indexed_commit = ? WHERE path = ?', commit, path);
  }

  stampAll(commit: string): void {
    this.sql.exec('UPDATE files SET indexed_commit = ? WHERE indexed_commit IS NOT ?', commit, commit);
  }

  of(paths: string[]): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    const unique = [...new Set(paths)];
    for (let i = 0; i < unique.length; i += 90) {
      const slice = unique.slice(i, i + 90);
      for (const row of this.sql.exec<{ path: string; indexed_commit: string | null }>(
        `SELECT path, indexed_commit FROM files WHERE path IN (${slice.map(() => '?').join(',')})`,
        ...slice,
      ))
        out[row.path] = row.indexed_commit;
    }
    return out;
  }
}
