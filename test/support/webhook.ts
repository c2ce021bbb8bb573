import { signGitHubPayload } from '../../src/code-index/source/webhook-signature';
import { call, type CallResult } from './http';

export interface WebhookDeliveryOptions {
  /** `x-github-event`: `push` unless given. */
  event?: string;
  /** `x-hub-signature-256` sent as given (a forged or malformed one) instead of the HMAC of the body. */
  signature?: string;
  /** `x-github-delivery`, sent only when given. */
  delivery?: string;
}

/** The headers GitHub sends with a delivery: JSON, the event, and the HMAC-SHA256 of exactly these bytes with `secret`. */
export async function webhookHeaders(
  secret: string,
  body: string | Uint8Array<ArrayBuffer>,
  options: WebhookDeliveryOptions = {},
): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    'x-github-event': options.event ?? 'push',
    'x-hub-signature-256': options.signature ?? (await signGitHubPayload(secret, body)),
    ...(options.delivery ? { 'x-github-delivery': options.delivery } : {}),
  };
}

/**
 * POSTs a GitHub delivery of `body` (the exact text that is signed) to /ai/github/webhook on the real app with `env`,
 * signed with `secret` (the env's GITHUB_WEBHOOK_SECRET unless given).
 */
export async function deliverWebhook<T = any>(
  env: Record<string, unknown>,
  body: string,
  options: WebhookDeliveryOptions & { secret?: string } = {},
): Promise<CallResult<T>> {
  const secret = options.secret ?? String(env.GITHUB_WEBHOOK_SECRET);
  return call<T>('POST', '/ai/github/webhook', {
    rawBody: body,
    env,
    headers: await webhookHeaders(secret, body, options),
  });
}
