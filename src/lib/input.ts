import { z } from '@hono/zod-openapi';

/**
 * The input rules every route shares: well-formed text, no control characters where they
 * mean nothing, no invisible characters in names, and strictly parsed numbers and dates.
 * One place, so a rule cannot differ between two routes.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 controls and DEL, except tab, newline and carriage return. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
/** Bidi overrides/isolates/marks and zero-width characters: they make a name read differently from what it is. */
const INVISIBLE = /[\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Why a string breaks the text rule, or null when it is fine. */
export function textProblem(text: string, multiline: boolean): string | null {
  if (!isWellFormed(text)) return 'must be well-formed Unicode (no lone surrogates)';
  if ((multiline ? CONTROL_IN_TEXT : CONTROL_ANY).test(text)) {
    return multiline
      ? 'must not contain control characters other than tab and newline'
      : 'must not contain control characters';
  }
  return null;
}

/** Why a string breaks the identifier rule (text rule, single line, no bidi or zero-width characters), or null. */
export function identifierProblem(text: string): string | null {
  return (
    textProblem(text, false) ??
    (INVISIBLE.test(text) ? 'must not contain bidi-override or zero-width characters' : null)
  );
}

/** Free text: well-formed, no control characters except tab/newline (when multiline). */
export function text(options: { max: number; min?: number; multiline?: boolean }) {
  return z
    .string()
    .min(options.min ?? 0)
    .max(options.max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value, options.multiline ?? false);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** A name (branch, file, workspace, user, filter value): one line, nothing invisible. */
export function identifier(options: { max: number; min?: number }) {
  return z
    .string()
    .min(options.min ?? 1)
    .max(options.max)
    .superRefine((value, ctx) => {
      const problem = identifierProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** Characters that would make stored text read differently in a prompt, shown as visible escapes instead. */
export function escapeInvisible(value: string): string {
  return value
    .replace(INVISIBLE_ALL, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`)
    .replace(new RegExp(CONTROL_IN_TEXT.source, 'g'), (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`)
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

/** A commit sha as sent by git tools: 7-64 hex digits, either case (no regex flags: the pattern is published as is). */
export const CommitSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, 'must be a hex commit sha (7-64 characters)');

/** Decimal digits only: no sign, exponent, hex, spaces or leading zeros. */
const STRICT_INT = /^(?:0|[1-9][0-9]{0,15})$/;

interface IntOptions {
  min: number;
  max: number;
  description?: string;
}

function strictInt(options: IntOptions) {
  return z
    .string()
    .regex(STRICT_INT, 'must be a whole number written in plain digits')
    .transform(Number)
    .pipe(z.number().int().min(options.min).max(options.max));
}

function intDoc(options: IntOptions & { default?: number }) {
  return {
    type: 'integer' as const,
    minimum: options.min,
    maximum: options.max,
    ...(options.default === undefined ? {} : { default: options.default }),
    ...(options.description ? { description: options.description } : {}),
  };
}

/** An optional query-string integer, parsed strictly and kept within [min, max]. */
export function queryInt(options: IntOptions) {
  return strictInt(options).optional().openapi(intDoc(options));
}

/** A query-string integer with a default (zod returns the default as is, unparsed). */
export function queryIntOr(options: IntOptions & { default: number }) {
  return strictInt(options).default(options.default).openapi(intDoc(options));
}

/** Path parameter integer: same parsing, always present. */
export function pathInt(options: IntOptions) {
  return strictInt(options).openapi(intDoc(options));
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

/** An ISO 8601 date or date-time within years 1970-9999, or null. */
export function parseIsoTime(value: string): Date | null {
  const match = ISO_TIME.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Date() rolls 2025-02-31 over to March: a day that does not exist is refused instead.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const year2 = date.getUTCFullYear();
  return year2 >= MIN_YEAR && year2 <= MAX_YEAR ? date : null;
}

/** A query-string time: ISO 8601, years 1970-9999. */
export function queryTime(description: string) {
  return z
    .string()
    .max(40)
    .transform((value, ctx) => {
      const date = parseIsoTime(value);
      if (!date) {
        ctx.addIssue({ code: 'custom', message: `must be an ISO 8601 time between ${MIN_YEAR} and ${MAX_YEAR}` });
        return z.NEVER;
      }
      return date;
    })
    .optional()
    .openapi({ type: 'string', description: `${description} ISO 8601, years ${MIN_YEAR}-${MAX_YEAR}.` });
}
