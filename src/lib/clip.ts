/**
 * The one way text is cut to a length limit: at a grapheme boundary (never inside a surrogate pair,
 * an emoji sequence or a letter with its accents), so a cut never makes text that is stored one way
 * and hashed or shown another. Limits count UTF-16 code units, as `string.length` and zod's `max` do.
 */

const graphemes =
  typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** The longest prefix of `text` (longer than `max`) of at most `max` code units that ends on a grapheme boundary. */
function boundaryAtOrBefore(text: string, max: number): number {
  let cut = 0;
  if (graphemes) {
    // A boundary depends only on what precedes it and the next code point: segmenting a window is enough.
    for (const { index } of graphemes.segment(text.slice(0, max + 2))) {
      if (index > max) break;
      cut = index;
    }
  }
  // No segmenter, or one cluster longer than the limit (a letter under a thousand accents): a code point boundary.
  if (cut === 0) {
    cut = max;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
  }
  return cut;
}

/**
 * `text` if it fits in `max` code units; else cut at a grapheme boundary with `mark` (e.g. `…`) appended,
 * the whole still within `max`.
 */
export function clip(text: string, max: number, mark = ''): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - mark.length);
  return `${text.slice(0, boundaryAtOrBefore(text, room))}${mark}`;
}
