import { decodeCursor as decodePageCursor, encodeCursor as encodePageCursor } from '../lib/page-cursor';

/** The relations of a GitHub `Link` header: `<url>; rel="next", <url>; rel="last"`. */
export function parseLinkHeader(link: string | undefined): Record<string, string> {
  const relations: Record<string, string> = {};
  if (!link) return relations;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part.trim());
    if (match) for (const rel of match[2]!.split(/\s+/)) relations[rel] = match[1]!;
  }
  return relations;
}

/** The `page` query parameter of a GitHub page URL. */
export function pageNumberOf(url: string | undefined): number | null {
  if (!url) return null;
  try {
    const page = Number(new URL(url).searchParams.get('page'));
    return Number.isInteger(page) && page > 0 ? page : null;
  } catch {
    return null;
  }
}

export interface PagePosition {
  page: number;
  perPage: number;
}

/**
 * Cursors carry GitHub's page number and page size together, so the next call asks for
 * exactly the next slice. Opaque to callers; validated on the way back in (src/lib/page-cursor.ts).
 */
export function encodeCursor(position: PagePosition): string {
  return encodePageCursor('gh', [position.page, position.perPage]);
}

export function decodeCursor(cursor: string): PagePosition {
  const [page, perPage] = decodePageCursor(cursor, 'gh', [/^[1-9][0-9]{0,4}$/, /^[1-9][0-9]?$|^100$/]).map(Number);
  return { page: page!, perPage: perPage! };
}

/** Where to read from: a cursor wins (it fixes the page size), else page 1 of `limit`. */
export function positionFor(limit: number, cursor: string | undefined): PagePosition {
  return cursor ? decodeCursor(cursor) : { page: 1, perPage: limit };
}
