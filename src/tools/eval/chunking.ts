import type { ChunkingStats } from '../../code-index/pipeline/run';

/** How a run cut its files, for the tools' output (a grammar failure is spelled out, never hidden). */
export function chunkingLine(cut: ChunkingStats | undefined): string {
  if (!cut) return '  chunking: not counted by this run';
  const first = cut.firstError ? ` (first: ${cut.firstError})` : '';
  return `  chunking: ${cut.syntax} files by syntax, ${cut.text} by text, ${cut.fallback} by text after a grammar failure${first}`;
}
