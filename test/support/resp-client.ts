import { connect, type Socket } from 'node:net';

/**
 * A minimal RESP2 client for test support code (Node only, no dependencies).
 * Replies keep their RESP kind so a caller can re-encode them faithfully:
 * simple strings are `string`, bulk strings are `Buffer` (binary-safe), integers
 * are `number`, nulls are `null`, errors are `RespError` values (not thrown, so one
 * failed command in a pipeline does not hide the others' replies).
 */
export type RespArg = string | Buffer;
export type RespReply = string | Buffer | number | null | RespError | RespReply[];

export class RespError {
  constructor(readonly message: string) {}
}

interface Pending {
  resolve: (reply: RespReply) => void;
  reject: (err: Error) => void;
}

const CRLF = Buffer.from('\r\n');

export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('redis connection closed')));
  }

  static connect(addr: { host: string; port: number }, timeoutMs = 5000): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: addr.host, port: addr.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`timed out connecting to redis at ${addr.host}:${addr.port}`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespConnection(socket));
      });
    });
  }

  /** False once the socket failed or closed; such a connection must not be reused. */
  get isOpen(): boolean {
    return this.failure === null;
  }

  command(args: RespArg[]): Promise<RespReply> {
    return this.send([args]).then((replies) => replies[0] as RespReply);
  }

  /**
   * Writes every command in one go and resolves with their replies in order.
   * Redis answers commands on one connection strictly in order, which is what makes
   * pipelining and MULTI ... EXEC work by simply sending them in sequence.
   */
  send(commands: RespArg[][]): Promise<RespReply[]> {
    if (this.failure) return Promise.reject(this.failure);
    const replies = commands.map(
      () =>
        new Promise<RespReply>((resolve, reject) => {
          this.pending.push({ resolve, reject });
        }),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  /** Closes the socket; replies still awaited are rejected. */
  close(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      // A peer that never answers the FIN must not hold up shutdown.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    try {
      for (;;) {
        const parsed = parseReply(this.buffer, offset);
        if (!parsed) break;
        offset = parsed.next;
        const waiter = this.pending.shift();
        if (!waiter) throw new Error('redis sent a reply nobody asked for');
        waiter.resolve(parsed.value);
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      this.socket.destroy();
      return;
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const waiter of this.pending.splice(0)) waiter.reject(this.failure);
  }
}

function encodeCommand(args: RespArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** Parses one reply starting at `offset`; null when the buffer does not yet hold all of it. */
function parseReply(buf: Buffer, offset: number): { value: RespReply; next: number } | null {
  const lineEnd = buf.indexOf(CRLF, offset);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buf[offset] as number);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new RespError(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buf.length < next + length + 2) return null;
      return { value: Buffer.from(buf.subarray(next, next + length)), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: RespReply[] = [];
      let cursor = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, cursor);
        if (!item) return null;
        items.push(item.value);
        cursor = item.next;
      }
      return { value: items, next: cursor };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}
