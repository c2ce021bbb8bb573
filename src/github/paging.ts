import { ApiError } from '../errors';

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
 * exactly the next slice. Opaque to callers; validated on the way back in.
 */
export function encodeCursor(position: PagePosition): string {
  return btoa(`gh:${position.page}:${position.perPage}`).replace(/=+$/, '');
}

export function decodeCursor(cursor: string): PagePosition {
  let text = '';
  try {
    text = atob(cursor);
  } catch {
    // falls through to the refusal below
  }
  const match = /^gh:(\d{1,5}):(\d{1,3})$/.exec(text);
  const page = Number(match?.[1]);
  const perPage = Number(match?.[2]);
  if (!match || page < 1 || perPage < 1 || perPage > 100) {
    throw new ApiError('validation_failed', 'cursor is not one this API handed out; pass back nextCursor unchanged.');
  }
  return { page, perPage };
}

/** Where to read from: a cursor wins (it fixes the page size), else page 1 of `limit`. */
export function positionFor(limit: number, cursor: string | undefined): PagePosition {
  return cursor ? decodeCursor(cursor) : { page: 1, perPage: limit };
}
