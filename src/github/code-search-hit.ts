import type { RawCodeSearchItem } from './client';
import { redactText } from '../redaction/redact';
import { clip } from './shape';

/** One hit of GitHub's own code search (`/ai/github/search`); the code index's hit is `SearchHit` in src/code-index/search-hit.ts. */
export interface CodeSearchHit {
  path: string;
  url: string;
  /** The identifiers and strings GitHub matched in the file (no code around them). */
  identifiers: string[];
  /** The matching fragments GitHub returned, each a few lines around the match (not for the gpt client). */
  fragments?: string[];
}

export function shapeCodeSearchHit(item: RawCodeSearchItem): CodeSearchHit {
  const contentMatches = (item.text_matches ?? []).filter((m) => m.property === undefined || m.property === 'content');
  const fragments = contentMatches
    .map((m) => clip(redactText(m.fragment ?? '').value, 600))
    .filter(Boolean)
    .slice(0, 3);
  const identifiers = [
    ...new Set(contentMatches.flatMap((m) => (m.matches ?? []).map((match) => clip(match.text ?? '', 100)))),
  ]
    .filter(Boolean)
    .slice(0, 10);
  return { path: item.path, url: item.html_url, identifiers, fragments };
}

/** A hit without its fragments: what the gpt client gets unless GPT_CODE_EXPOSURE=snippet. */
export function withoutFragments({ fragments: _fragments, ...hit }: CodeSearchHit): CodeSearchHit {
  return hit;
}
