import { env, SELF, createExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import { createApp } from '../../src/app';
import { withLocalBindings } from '../../src/local/dev-entry';
import { hubStub } from '../../src/objects/event-hub';
import type { HubMessage } from '../../src/events/wire';
import { TEST_KEYS, type TestIdentity } from './keys';
import { refuseObjectSettings } from './http';

export interface TestListener {
  ws: WebSocket;
  messages: HubMessage[];
  /** Resolve with the first message (from the start) matching, waiting for it if needed. */
  waitFor(match: (message: HubMessage) => boolean, what?: string): Promise<HubMessage>;
  /** Wait until `count` event messages have arrived; returns them. */
  events(count: number): Promise<Extract<HubMessage, { kind: 'event' }>[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Open the event WebSocket through the real app, as a client would. */
export async function openListener(
  query: string,
  options: { as?: TestIdentity; env?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<{ status: number; listener?: TestListener; text: string }> {
  const headers = new Headers({ upgrade: 'websocket', ...options.headers });
  if (options.as) headers.set('x-api-key', TEST_KEYS[options.as]);
  const request = new Request(`http://hezlep.test/ai/events${query}`, { headers });
  if (options.env) refuseObjectSettings(options.env);
  const response = options.env
    ? await createApp().fetch(request, withLocalBindings({ ...env, ...options.env }), createExecutionContext())
    : await SELF.fetch(request);
  if (response.status !== 101 || !response.webSocket) return { status: response.status, text: await response.text() };
  const ws = response.webSocket;
  const messages: HubMessage[] = [];
  const waiters: (() => void)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.addEventListener('message', (e) => {
    messages.push(JSON.parse(e.data as string) as HubMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  ws.accept();
  const waitUntil = async <T>(check: () => T | undefined, what: string): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const listener: TestListener = {
    ws,
    messages,
    closed,
    waitFor: (match, what = 'a matching message') => waitUntil(() => messages.find(match), what),
    events: (count) =>
      waitUntil(() => {
        const events = messages.filter((m): m is Extract<HubMessage, { kind: 'event' }> => m.kind === 'event');
        return events.length >= count ? events : undefined;
      }, `${count} events`),
    close: () => ws.close(1000, 'test done'),
  };
  return { status: 101, listener, text: '' };
}

export async function mustOpen(query: string, options: Parameters<typeof openListener>[1] = {}): Promise<TestListener> {
  const opened = await openListener(query, options);
  expect(opened.status, opened.text).toBe(101);
  return opened.listener!;
}

/** The project's event hub object, for what a test checks on it directly (listener count, tickets). */
export function eventHub(projectId: string) {
  return hubStub(env.EVENT_HUB!, projectId);
}
