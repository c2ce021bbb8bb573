import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { mustOpen } from '../support/listener';
import { readListenerMessage } from '../../src/events/listener-message';

/** Whatever a listener sends on the event WebSocket gets an answer frame; the hub keeps serving it. */

const HOSTILE = [
  'null',
  '5',
  '"ack"',
  '[]',
  '[null]',
  'true',
  '{"type":null}',
  '{"type":"ack","seq":1e400}',
  '{"type":"ack","seq":"1"}',
  '{"type":"subscribe","topics":[null,{}]}',
  '{"type":"subscribe","topics":"context"}',
  '{"__proto__":{"type":"ack"}}',
  'not json',
  '',
];

describe('malformed messages on the event WebSocket', () => {
  it('read as errors, never as a throw', () => {
    for (const message of HOSTILE) expect(readListenerMessage(message), message).toHaveProperty('error');
    expect(readListenerMessage('{"type":"ack","seq":3}')).toEqual({ type: 'ack', seq: 3 });
    expect(readListenerMessage('{"type":"subscribe"}')).toEqual({ type: 'subscribe', topics: null });
  });

  it('each gets an error frame, and the same connection still subscribes and receives events', async () => {
    const env = { PROJECT_ID: `ws-${crypto.randomUUID().slice(0, 12)}` };
    const listener = await mustOpen('?topics=context', { as: 'cursor', env });
    await listener.waitFor((m) => m.kind === 'hello', 'hello');
    for (const message of HOSTILE) {
      listener.ws.send(message);
      const answer = await listener.waitFor((m) => m.kind === 'error', `an error frame for ${message}`);
      expect((answer as { message?: unknown }).message, message).toEqual(expect.any(String));
      listener.messages.splice(listener.messages.indexOf(answer), 1);
    }
    listener.ws.send(JSON.stringify({ type: 'subscribe', topics: ['context'] }));
    await listener.waitFor((m) => m.kind === 'subscribed', 'subscribed');
    expectStatus(await call('PATCH', '/ai/context', { as: 'gpt', env, body: { branch: 'after-hostile' } }), 200);
    const [event] = await listener.events(1);
    expect(event).toMatchObject({ topic: 'context' });
  });
});
