import { DEFAULT_CHUNK_LIMITS, type Chunk, type ChunkLimits } from './chunk';
import { chunkSyntax } from './chunk-syntax';
import { isParsed } from './languages';
import { splitText } from './split-text';

export interface ChunkedFile {
  chunks: Chunk[];
  /** How the file was cut: by its syntax tree, or by the text splitter. */
  method: 'syntax' | 'text';
  /** Why a parsed language was cut by text after all: the grammar's error (null when cut as intended). */
  fallback: string | null;
  /** Chunks dropped because the file exceeded the per-file chunk cap. */
  dropped: number;
}

/** Cut a file into chunks: structure-aware where a grammar exists, the text splitter otherwise. */
export async function chunkFile(
  path: string,
  text: string,
  language: string,
  limits: ChunkLimits = DEFAULT_CHUNK_LIMITS,
): Promise<ChunkedFile> {
  let chunks: Chunk[] | null = null;
  let method: ChunkedFile['method'] = 'text';
  let fallback: string | null = null;
  if (isParsed(language)) {
    try {
      chunks = await chunkSyntax(path, text, language, limits);
      method = 'syntax';
    } catch (error) {
      // A grammar failure must not stop the run: the file falls back to text, and the run counts it.
      chunks = null;
      fallback = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
    }
  }
  chunks ??= splitText(path, text, language, { ...limits, maxLines: Math.min(limits.maxLines, 60) });
  const dropped = Math.max(0, chunks.length - limits.maxChunksPerFile);
  return { chunks: chunks.slice(0, limits.maxChunksPerFile), method, fallback, dropped };
}
