import type { Chunk, ChunkLimits } from './chunk';

/** Split lines [from, to] (1-based inclusive) into windows of at most `maxLines`, preferring blank lines as cuts. */
export function windows(lines: string[], from: number, to: number, maxLines: number): [number, number][] {
  const out: [number, number][] = [];
  let start = from;
  while (start <= to) {
    let end = Math.min(to, start + maxLines - 1);
    if (end < to) {
      // Cut at the last blank line in the second half of the window, if there is one.
      for (let line = end; line > start + Math.floor(maxLines / 2); line--) {
        if (lines[line - 1]!.trim() === '') {
          end = line;
          break;
        }
      }
    }
    out.push([start, end]);
    start = end + 1;
  }
  return out;
}

function trimBlank(lines: string[], start: number, end: number): [number, number] | null {
  while (start <= end && lines[start - 1]!.trim() === '') start++;
  while (end >= start && lines[end - 1]!.trim() === '') end--;
  return start <= end ? [start, end] : null;
}

/**
 * The fallback for any text the parser does not know: Markdown splits at headings
 * (the symbol is the heading path), everything else at blank-line paragraphs,
 * packed into windows of at most `maxLines`.
 */
export function splitText(path: string, text: string, language: string, limits: ChunkLimits): Chunk[] {
  const lines = text.split('\n');
  const chunks: Chunk[] = [];
  const push = (start: number, end: number, symbol: string | null, kind: string) => {
    for (const [from, to] of windows(lines, start, end, limits.maxLines)) {
      const range = trimBlank(lines, from, to);
      if (!range) continue;
      chunks.push({
        path,
        startLine: range[0],
        endLine: range[1],
        language,
        symbol,
        kind,
        text: lines.slice(range[0] - 1, range[1]).join('\n'),
      });
    }
  };

  if (language === 'markdown') {
    const headings: string[] = [];
    let sectionStart = 1;
    let symbol: string | null = null;
    let fenced = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const heading = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (!heading) continue;
      if (i + 1 > sectionStart) push(sectionStart, i, symbol, 'section');
      const depth = heading[1]!.length;
      headings.length = depth - 1;
      headings[depth - 1] = heading[2]!;
      symbol = headings.filter(Boolean).join(' > ');
      sectionStart = i + 1;
    }
    push(sectionStart, lines.length, symbol, 'section');
    return chunks;
  }

  push(1, lines.length, null, 'text');
  return chunks;
}
