import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in's HTTP server on a free local port: a failing handler answers 500; `stop` drops open connections. */
export async function serveLocally(
  handle: (req: IncomingMessage, res: ServerResponse, url: string) => Promise<void>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res, url).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Node closes an idle keep-alive socket after 5 s by default; workerd may send its next request on it at that
  // very moment and see "Network connection lost". Clients close their own sockets, so the server waits longer.
  server.keepAliveTimeout = 120_000;
  // Node also drops a kept-alive socket whose next request starts more than headersTimeout after it opened.
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
