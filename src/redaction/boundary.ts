import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { redactText, redactValue, type RedactionCounts } from './redact';

/** Answers larger than this are passed on whole text redaction, never parsed (the routes bound theirs far below). */
const MAX_PARSED_BYTES = 8 * 1024 * 1024;

/**
 * Redact one answer: a JSON body as a whole document (keys and values, names and pairs), a text body as
 * one whole text. Null when nothing had to change.
 */
export async function redactAnswer(
  response: Response,
): Promise<{ response: Response; counts: RedactionCounts } | null> {
  const type = response.headers.get('content-type') ?? '';
  const isJson = /json/.test(type);
  if (!isJson && !/^text\//.test(type)) return null;
  const text = await response.clone().text();
  let redacted: string | undefined;
  let counts: RedactionCounts = {};
  if (isJson && text.length <= MAX_PARSED_BYTES) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body !== undefined) {
      const result = redactValue(body);
      if (result.total) {
        redacted = JSON.stringify(result.value);
        counts = result.counts;
      }
    }
  }
  if (redacted === undefined) {
    const result = redactText(text);
    if (!result.total) return null;
    redacted = result.value;
    counts = result.counts;
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('etag');
  return { response: new Response(redacted, { status: response.status, headers }), counts };
}

async function redactResponse(c: Context<AppEnv>): Promise<void> {
  const answer = await redactAnswer(c.res);
  if (!answer) return;
  c.var.services?.redactions.add(answer.counts);
  c.res = answer.response;
}

/**
 * The way out toward a model: every answer to the gpt client passes the secret scanner,
 * whatever route produced it (stored text, GitHub results, log tails, digests, reviews, problems).
 * What was already redacted on the way in is untouched; anything else that looks like a secret is replaced.
 */
export const redactForModel: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  // Unknown callers too (a refusal before the key was read, an unknown route echoing its path): only the
  // answers of cursor, human and cron keys are left as they are.
  const client = c.var.caller?.client;
  if (client && client !== 'gpt') return;
  await redactResponse(c);
};

/**
 * `/mcp` speaks only to models, whichever key the connection uses: tool results, resources, prompts
 * and protocol errors (which may echo a tool's arguments) all pass the scanner.
 */
export const redactMcp: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  await redactResponse(c);
};
