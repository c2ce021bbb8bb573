import { z } from '@hono/zod-openapi';
import { ApiError } from '../errors';

/**
 * The one page-cursor encoding of the service: base64url (no padding) of `<kind>:<part>:<part>…`.
 * Opaque to callers; decoded strictly (its own kind, the exact part shapes, canonical encoding),
 * so a cursor from another list, or an edited one, is a 400 and never reaches a backend.
 */

export const CursorQuery = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'cursor must be the nextCursor of a previous page')
  .optional()
  .openapi({ description: 'nextCursor from the previous page, passed back unchanged.' });

function toBase64Url(text: string): string {
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function encodeCursor(kind: string, parts: (string | number)[]): string {
  return toBase64Url([kind, ...parts].join(':'));
}

function refuse(): never {
  const message = 'cursor must be the nextCursor of a previous page, passed back unchanged';
  throw new ApiError('validation_failed', `Invalid query: cursor: ${message}`, {
    extra: { issues: [{ path: 'cursor', message }] },
  });
}

/**
 * The parts of a cursor of `kind`, each checked against its pattern; refuses anything else.
 * Patterns should be anchored and bounded (e.g. /^[1-9][0-9]{0,15}$/).
 */
export function decodeCursor(cursor: string, kind: string, patterns: RegExp[]): string[] {
  let text: string;
  try {
    text = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return refuse();
  }
  const [got, ...parts] = text.split(':');
  if (got !== kind || parts.length !== patterns.length || toBase64Url(text) !== cursor) refuse();
  parts.forEach((part, i) => {
    if (!patterns[i]!.test(part)) refuse();
  });
  return parts;
}

/** A positive integer part within JavaScript's and Postgres bigint's safe range. */
export const CURSOR_INT = /^[1-9][0-9]{0,14}$/;

/** Decode a cursor that carries one positive integer (a sequence number or row id). */
export function decodeIntCursor(cursor: string, kind: string): number {
  return Number(decodeCursor(cursor, kind, [CURSOR_INT])[0]);
}
