/** What a search may be narrowed to; shared by the store, the file index and the vector stores. */
export interface SearchFilters {
  /** Only paths starting with this prefix. */
  path?: string;
  language?: string;
}
