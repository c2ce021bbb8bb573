/** One searchable piece of a file: a function, class, block or text section. */
export interface Chunk {
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  language: string;
  /** The declared name with its enclosing names (`RepoIndex.search`), or the heading path for prose. */
  symbol: string | null;
  /** What the chunk is: function, class, method, block, section, text, … */
  kind: string;
  text: string;
}

export interface ChunkLimits {
  /** A declaration longer than this is split into parts. */
  maxLines: number;
  /** Consecutive declarations shorter than this are grouped into one chunk. */
  minLines: number;
  /** A file never yields more chunks than this (the rest is dropped and counted). */
  maxChunksPerFile: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxLines: 120, minLines: 4, maxChunksPerFile: 400 };
