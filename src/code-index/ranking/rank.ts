import { codeTokens } from './tokens';

export type Signal = 'lexical' | 'vector' | 'history';

export interface SnippetBound {
  maxLines: number;
  maxChars: number;
}

/** GPT callers see short excerpts only; IDE and human callers get more of the chunk, still bounded. */
export const SNIPPET_BOUNDS: Record<'gpt' | 'default', SnippetBound> = {
  gpt: { maxLines: 12, maxChars: 800 },
  default: { maxLines: 60, maxChars: 4000 },
};

export interface Snippet {
  startLine: number;
  endLine: number;
  text: string;
  truncated: boolean;
}

/** The window of the chunk that best matches the question, cut to the bound. */
export function boundedSnippet(
  chunk: { startLine: number; text: string },
  question: string,
  bound: SnippetBound,
): Snippet {
  const lines = chunk.text.split('\n');
  const terms = new Set(codeTokens(question, { dropStopwords: true }));
  let start = 0;
  if (lines.length > bound.maxLines && terms.size) {
    // Slide a window of maxLines and keep the one containing the most query terms.
    const hits = lines.map((line) => codeTokens(line).filter((token) => terms.has(token)).length);
    let best = -1;
    let sum = 0;
    for (let i = 0; i < lines.length; i++) {
      sum += hits[i]!;
      if (i >= bound.maxLines) sum -= hits[i - bound.maxLines]!;
      if (i >= bound.maxLines - 1 && sum > best) {
        best = sum;
        start = i - bound.maxLines + 1;
      }
    }
  }
  let window = lines.slice(start, start + bound.maxLines);
  let text = window.join('\n');
  let truncated = window.length < lines.length;
  if (text.length > bound.maxChars) {
    text = text.slice(0, bound.maxChars);
    const cut = text.lastIndexOf('\n');
    if (cut > bound.maxChars / 2) text = text.slice(0, cut);
    window = text.split('\n');
    truncated = true;
  }
  return { startLine: chunk.startLine + start, endLine: chunk.startLine + start + window.length - 1, text, truncated };
}
