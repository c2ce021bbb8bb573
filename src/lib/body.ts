import type { Context } from 'hono';
import { ApiError } from '../errors';
import { isWellFormed } from './input';
import { clip } from './clip';

/** Deepest nesting of arrays and objects a JSON body may have. */
export const MAX_JSON_DEPTH = 32;

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    'payload_too_large',
    `The request body is larger than ${maxBytes} bytes, the limit for this operation.`,
    {
      extra: { limit: maxBytes },
    },
  );
}

/**
 * Past the limit, a body is read on and thrown away up to this many bytes in all, then cancelled.
 * Measured under `wrangler dev`: a request body the Worker cancels or leaves half-read breaks the
 * connection (that request answers 503 "worker restarted mid-request" or the next one 500 "Network
 * connection lost"), while one left untouched or read to its end does not. Cancelling is legal, so the
 * fault is the runtime's; the defence is ours: never cancel what can be drained.
 */
export const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Read a request body while it streams, refusing it past `maxBytes`. A declared content-length over
 * the limit is refused before reading anything, and the body is left as it is (the runtime discards
 * it). A body without a declared length that grows past the limit is drained, not cancelled (above),
 * unless it goes on past DRAIN_LIMIT_BYTES.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const body = request.body;
  if (!body) return new Uint8Array();
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
    // A declared length within the limit bounds the body (HTTP framing ends it there): one native read
    // costs less than a JS reader loop. The check after it only guards against a runtime that lets more through.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
    return bytes;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader, size);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Read the rest of a refused body and drop it, up to DRAIN_LIMIT_BYTES in all; past that, cancel. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let size = alreadyRead;
  try {
    while (size <= DRAIN_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing is left to drain.
  }
}

/** UTF-8 text of a body; bytes that are not UTF-8 are a 400, not a silent U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, what = 'The request body'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError('malformed_json', `${what} is not valid UTF-8.`);
  }
}

/**
 * Why a parsed JSON value breaks the body rules (nesting deeper than MAX_JSON_DEPTH, a lone
 * surrogate or NUL in any string or key), or null. Stops descending at the cap, so it is bounded.
 */
export function jsonProblem(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') {
    if (!isWellFormed(value)) return 'a string is not well-formed Unicode (lone surrogate)';
    if (value.includes('\u0000')) return 'a string contains a NUL character';
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`;
  const entries = Array.isArray(value) ? value.map((item) => ['', item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const problem = jsonProblem(key) ?? jsonProblem(item, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * Why a JSON number does not survive the trip into a double, or null: `1e400` parses to Infinity (which
 * nothing downstream can store or hash), and a whole number written beyond 2^53 silently becomes
 * another one. `source` is the number as written, where the runtime gives it (JSON.parse source text).
 */
export function roundTripProblem(value: number, source: string | undefined): string | null {
  if (!Number.isFinite(value)) return `a number is out of range (${clipSource(source) ?? 'not finite'})`;
  if (source !== undefined && /^-?\d+$/.test(source) && !Number.isSafeInteger(value)) {
    return `the whole number ${clipSource(source)} is beyond 2^53 and would lose precision; send it as a string`;
  }
  return null;
}

const clipSource = (source: string | undefined) => (source === undefined ? undefined : clip(source, 40, '…'));

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

/**
 * Read, limit and check the body once, then hand it to Hono's body cache so the validator
 * parses exactly these bytes. JSON bodies: malformed, too deep or ill-formed text is a 400.
 */
export async function acceptBody(c: Context, maxBytes: number): Promise<void> {
  if (!c.req.raw.body) return;
  const bytes = await readBodyBytes(c.req.raw, maxBytes);
  // Hono caches body promises here (typed as values). Whatever reads the body next (the validator, its media
  // type gate, a handler) reads these bytes: the raw stream is spent, and reading it again throws (a 500).
  const cache = c.req.bodyCache as Record<string, unknown>;
  cache.arrayBuffer = Promise.resolve(bytes.buffer);
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (!JSON_MEDIA.test(mediaType)) {
    if (bytes.byteLength > 0) throw new ApiError('unsupported_media_type', 'Send the body as application/json.');
    return;
  }
  const text = decodeUtf8(bytes);
  let parsed: unknown;
  let numberProblem: string | null = null;
  try {
    parsed = JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
      if (typeof value === 'number') numberProblem ??= roundTripProblem(value, context?.source);
      return value;
    });
  } catch {
    throw new ApiError('malformed_json', 'The request body is not valid JSON.');
  }
  const problem = numberProblem ?? jsonProblem(parsed);
  if (problem) throw new ApiError('malformed_json', `The request body is refused: ${problem}.`);
  // c.req.json() then parses this text, not the spent stream.
  cache.text = Promise.resolve(text);
}
