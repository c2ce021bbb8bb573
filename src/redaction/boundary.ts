import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { redactValue } from './redact';

/**
 * The way out toward a model: every JSON answer to the gpt client passes the secret scanner,
 * whatever route produced it (stored text, GitHub fragments, log tails, digests, reviews).
 * What was already redacted on the way in is untouched; anything else that looks like a secret is replaced.
 */
export const redactForModel: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.var.caller?.client !== 'gpt' || !/json/.test(c.res.headers.get('content-type') ?? '')) return;
  const text = await c.res.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  const { value, counts, total } = redactValue(body);
  if (!total) return;
  c.var.services.redactions.add(counts);
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  c.res = new Response(JSON.stringify(value), { status: c.res.status, headers });
};
