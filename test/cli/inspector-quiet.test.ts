import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { IsolateHeap } from '../../src/tools/bench/isolate-heap';

// Node-side, like the CLI: the bench and eval harness's inspector client (src/tools/bench/isolate-heap.ts)
// against a stand-in for wrangler's inspector proxy that records what it is sent.
describe('IsolateHeap.quietNetwork', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  /** An inspector endpoint: /json/list names one target; every command is recorded and answered. */
  async function inspector() {
    const methods: string[] = [];
    const waiters: (() => void)[] = [];
    const server = createServer((_req, res) => {
      const { port } = server.address() as AddressInfo;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ webSocketDebuggerUrl: `ws://127.0.0.1:${port}/core:user:worker` }]));
    });
    const sockets = new WebSocketServer({ server });
    let client: WebSocket | null = null;
    sockets.on('connection', (socket) => {
      client = socket;
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { id: number; method: string };
        methods.push(message.method);
        socket.send(JSON.stringify({ id: message.id, result: {} }));
        for (const wake of waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets.clients) socket.terminate();
          sockets.close();
          server.close(() => resolve());
        }),
    );
    return {
      port: (server.address() as AddressInfo).port,
      methods,
      /** Sends a runtime event to the client, as the proxy forwards one. */
      event: (method: string) => client!.send(JSON.stringify({ method, params: {} })),
      /** Resolves once `count` commands have arrived. */
      until: async (count: number) => {
        while (methods.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      },
    };
  }

  it('turns Network events off, and off again whenever one arrives (the proxy re-enables them on a new runtime)', async () => {
    const proxy = await inspector();
    const heap = await IsolateHeap.connect(proxy.port);
    stops.unshift(async () => heap.close());
    await heap.quietNetwork();
    expect(proxy.methods).toEqual(['Network.disable']);

    proxy.event('Runtime.consoleAPICalled');
    proxy.event('Network.requestWillBeSent');
    await proxy.until(2);
    expect(proxy.methods).toEqual(['Network.disable', 'Network.disable']);

    // Other traffic goes on as before.
    await heap.usage().catch(() => undefined);
    expect(proxy.methods.at(-1)).toBe('Runtime.getHeapUsage');
  });
});
