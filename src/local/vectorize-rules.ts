/** The Vectorize binding's documented rules the local index enforces: its limits, its errors and its metadata filters. */

export type Scalar = string | number | boolean;

/** Vectorize's documented limits that the binding enforces. */
export const MAX_ID_BYTES = 64;
export const MAX_NAMESPACE_BYTES = 64;
export const MAX_METADATA_BYTES = 10 * 1024;
export const MAX_METADATA_INDEXES = 10;
/** A string metadata index covers this many bytes of the value (cut on a UTF-8 character boundary). */
export const INDEXED_STRING_BYTES = 64;

export const bytes = (text: string) => new TextEncoder().encode(text).length;

/** The longest prefix of `text` that fits `limit` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, limit: number): string {
  let used = 0;
  let out = '';
  for (const ch of text) {
    const size = bytes(ch);
    if (used + size > limit) break;
    used += size;
    out += ch;
  }
  return out;
}

export function fail(operation: string, message: string): never {
  // The binding's errors name the operation and why, like `VECTOR_UPSERT_ERROR (code = 40006): ...`.
  throw new Error(`VECTOR_${operation}_ERROR: ${message}`);
}

/** Compare an indexed value with a filter operand; string operands are cut as the index cut the values. */
function compare(a: Scalar, b: Scalar): number {
  if (typeof a !== typeof b) return Number.NaN;
  if (typeof b === 'string') b = truncateUtf8(b, INDEXED_STRING_BYTES);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether one indexed value satisfies one field's filter (implicit $eq, or operators). */
export function matchesField(value: Scalar | undefined, condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object')
    return value !== undefined && compare(value, condition as Scalar) === 0;
  for (const [op, operand] of Object.entries(condition as Record<string, unknown>)) {
    if (op === '$in' || op === '$nin') {
      const list = operand as Scalar[];
      const found = value !== undefined && list.some((item) => compare(value, item) === 0);
      if ((op === '$in') !== found) return false;
      continue;
    }
    if (op === '$ne') {
      if (value !== undefined && compare(value, operand as Scalar) === 0) return false;
      continue;
    }
    if (value === undefined) return false;
    const c = compare(value, operand as Scalar);
    if (Number.isNaN(c)) return false;
    const ok =
      op === '$eq'
        ? c === 0
        : op === '$lt'
          ? c < 0
          : op === '$lte'
            ? c <= 0
            : op === '$gt'
              ? c > 0
              : op === '$gte'
                ? c >= 0
                : false;
    if (!ok) return false;
  }
  return true;
}

export function validateFilter(filter: Record<string, unknown>): void {
  const ops = new Set(['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin']);
  for (const [field, condition] of Object.entries(filter)) {
    if (!field || field.startsWith('$') || field.includes('"') || field.includes('.'))
      fail('QUERY', `invalid filter field "${field}"`);
    if (condition !== null && typeof condition === 'object') {
      for (const [op, operand] of Object.entries(condition)) {
        if (!ops.has(op)) fail('QUERY', `unsupported filter operator ${op}`);
        if ((op === '$in' || op === '$nin') !== Array.isArray(operand))
          fail('QUERY', `${op} takes ${op.endsWith('in') ? 'a list' : 'a single value'}`);
      }
    }
  }
}
