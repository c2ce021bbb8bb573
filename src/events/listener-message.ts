/**
 * What a listener may send on the event WebSocket, read without trusting its shape: any JSON value
 * (`null`, a number, an array, a `seq` of `1e400`) is either one of the two messages or an error to
 * answer with, never an exception in the hub. Pure, so the hub, the CLI and tests share it.
 */

export type ListenerMessage = { type: 'ack'; seq: number } | { type: 'subscribe'; topics: string[] | null };

const MAX_MESSAGE_CHARS = 4096;
const HELP = 'unknown message; send {"type":"subscribe","topics":[...]} or {"type":"ack","seq":N}';

/** The message, or why it is not one (to send back as an error frame). */
export function readListenerMessage(message: string | ArrayBuffer): ListenerMessage | { error: string } {
  if (typeof message !== 'string' || message.length > MAX_MESSAGE_CHARS)
    return { error: 'send small JSON text messages' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { error: 'messages must be JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: HELP };
  const body = parsed as Record<string, unknown>;
  if (body.type === 'ack') {
    const seq = body.seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0
      ? { type: 'ack', seq }
      : { error: 'an ack names the last event it saw: {"type":"ack","seq":N}, N a whole number' };
  }
  if (body.type === 'subscribe') {
    const topics = body.topics;
    if (topics === undefined || topics === null) return { type: 'subscribe', topics: null };
    if (!Array.isArray(topics) || topics.length > 32 || !topics.every((t) => typeof t === 'string' && t.length <= 64))
      return { error: 'topics is a list of topic names' };
    return { type: 'subscribe', topics };
  }
  return { error: HELP };
}
