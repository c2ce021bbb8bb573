import { connect, type Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface PgWebSocketBridgeOptions {
  /** The one Postgres every connection goes to; whatever `?address=` a client asks for is ignored. */
  target: { host: string; port: number };
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  log?: (line: string) => void;
}

export interface PgWebSocketBridge {
  port: number;
  /** ws://127.0.0.1:<port>/v2, the URL the Neon driver ends up opening. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Stands in for Neon's WebSocket proxy in local runs: each WebSocket carries one
 * Postgres connection as binary frames, piped to and from a TCP socket.
 */
export async function startPgWebSocketBridge(options: PgWebSocketBridgeOptions): Promise<PgWebSocketBridge> {
  const { target, log = () => undefined } = options;
  const server = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const live = new Set<() => void>();

  server.on('connection', (client) => {
    const close = pipeConnection(client, connect(target.port, target.host), log);
    live.add(close);
    client.once('close', () => live.delete(close));
  });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  log(`pg bridge listening on ws://127.0.0.1:${port} -> ${target.host}:${target.port}`);

  return {
    port,
    url: `ws://127.0.0.1:${port}/v2`,
    async stop() {
      for (const close of live) close();
      live.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Wires one WebSocket to one TCP socket; returns a function that closes both. */
function pipeConnection(client: WebSocket, postgres: Socket, log: (line: string) => void): () => void {
  const terminate = new TerminateWatch();
  let closed = false;
  const closeBoth = () => {
    if (closed) return;
    closed = true;
    postgres.end();
    client.close(1000);
  };

  postgres.setNoDelay(true);
  client.on('message', (data) => {
    if (closed) return;
    const bytes = toBuffer(data);
    const end = terminate.feed(bytes);
    if (end < 0) {
      postgres.write(bytes);
      return;
    }
    // The Neon driver does not always close its WebSocket after Terminate; without this
    // the server backend (and the pool's connection slot) lives on.
    postgres.write(bytes.subarray(0, end));
    closeBoth();
  });
  postgres.on('data', (chunk) => {
    if (client.readyState === client.OPEN) client.send(chunk);
  });

  client.on('close', closeBoth);
  postgres.on('close', closeBoth);
  client.on('error', (error) => {
    log(`pg bridge: client error: ${error.message}`);
    closeBoth();
  });
  postgres.on('error', (error) => {
    log(`pg bridge: postgres error: ${error.message}`);
    postgres.destroy();
    closeBoth();
  });
  return closeBoth;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/**
 * Follows message boundaries in the client-to-server stream just far enough to
 * spot Terminate. Startup-phase messages have no type byte (length, then code);
 * everything after the StartupMessage is type byte + int32 length.
 */
class TerminateWatch {
  #startup = true;
  #header = Buffer.alloc(8);
  #headerFilled = 0;
  #skip = 0;

  /** Feeds the next chunk; returns the offset just past a Terminate message in it, or -1. */
  feed(chunk: Buffer): number {
    let at = 0;
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const taken = Math.min(this.#skip, chunk.length - at);
        this.#skip -= taken;
        at += taken;
        continue;
      }
      const headerSize = this.#startup ? 8 : 5;
      const taken = chunk.copy(this.#header, this.#headerFilled, at, at + headerSize - this.#headerFilled);
      this.#headerFilled += taken;
      at += taken;
      if (this.#headerFilled < headerSize) break;
      this.#headerFilled = 0;

      if (this.#startup) {
        const length = this.#header.readInt32BE(0);
        const code = this.#header.readInt32BE(4);
        this.#skip = Math.max(0, length - 8);
        // After SSL/GSS negotiation the client sends another untyped startup message.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.#startup = false;
        continue;
      }
      const type = this.#header[0];
      const length = this.#header.readInt32BE(1);
      if (type === TERMINATE && length === 4) return at;
      this.#skip = Math.max(0, length - 4);
    }
    return -1;
  }
}
