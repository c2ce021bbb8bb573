import { clip } from '../lib/clip';

/**
 * An audit entry in the form Postgres stores and gives back, computed before it is hashed, so the
 * chain hashes exactly what `/ai/audit/verify` will read:
 * - text: the driver sends UTF-8, so a lone surrogate would come back as U+FFFD; it is U+FFFD here
 *   already. Postgres refuses NUL in `text` and `\u0000` in `jsonb`: NUL becomes U+FFFD too.
 * - detail: what the driver sends is `JSON.stringify` of it (toJSON, undefined members, -0 as 0), and
 *   `jsonb` gives keys back in its own order (canonicalJson sorts them) and numbers as exact decimals
 *   of the same double. A value JSON cannot carry (NaN, Infinity, a bigint, a cycle) throws.
 * - limits: each text field is cut at a grapheme boundary (src/lib/clip.ts).
 */

export const AUDIT_LIMITS = { action: 100, target: 500, summary: 500, person: 200, requestId: 200 } as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what Postgres refuses.
const NOT_STORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string as a Postgres `text` (or `jsonb` string) gives it back. */
export function storedText(text: string): string {
  return text.replace(NOT_STORABLE, '\uFFFD');
}

/** A text field as stored: cut to its limit at a grapheme boundary, then made storable. */
export function storedField(text: string, max: number): string {
  return storedText(clip(text, max, '…'));
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storedText(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('audit detail: a number is not finite');
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(storable);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, not assignment: a key named __proto__ stays a key, as jsonb keeps it.
    Object.defineProperty(out, storedText(key), { value: storable(item), enumerable: true, writable: true });
  }
  return out;
}

/** A detail as jsonb stores it and the driver parses it back. */
export function storedDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> {
  const sent = JSON.stringify(detail ?? {}, (_key, value) => {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('audit detail: a number is not finite');
    return value;
  });
  const parsed = JSON.parse(sent) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return storable(parsed) as Record<string, unknown>;
}
