/** What a search may be narrowed to; shared by the store, the file index and the vector stores. */
export interface SearchFilters {
  /** Only paths starting with this prefix. */
  path?: string;
  language?: string;
}

/** SQL conditions (and their parameters) narrowing the indexed file `alias` (file_entries) to the filters. */
export function fileEntryFilters(alias: string, filters: SearchFilters): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.path) {
    where.push(`substr(${alias}.path, 1, length(?)) = ?`);
    params.push(filters.path, filters.path);
  }
  if (filters.language) {
    where.push(`${alias}.language = ?`);
    params.push(filters.language);
  }
  return { where, params };
}
