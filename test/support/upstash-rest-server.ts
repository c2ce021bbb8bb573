import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RespConnection, RespError, type RespArg, type RespReply } from './resp-client';

/**
 * A local stand-in for Upstash's Redis REST API, backed by a real redis-server, so the
 * production `@upstash/redis` adapter can be tested offline. It speaks what that client
 * sends (checked against @upstash/redis 1.39 dist/):
 *  - POST /            body ["CMD", ...args]          -> {"result": ...} | {"error": "..."} (400)
 *  - POST /pipeline    body [["CMD", ...], ...]       -> [{"result"}|{"error"}, ...], always 200
 *  - POST /multi-exec  same body, run in MULTI/EXEC   -> like /pipeline; a discarded transaction is one 400 error
 *  - Authorization: Bearer <token> (or ?_token=), else 401
 *  - Upstash-Encoding: base64 -> every string in a result is base64 of its bytes, except a top-level "OK"
 *  - upstash-sync-token is answered on every response (read-your-writes is trivially true with one redis)
 * Also accepts Upstash's path form for curl debugging: GET /set/key/value?EX=10.
 * Pub/sub over SSE (/subscribe, /psubscribe) is not bridged and answers a clear 400.
 */
export interface UpstashRestServerOptions {
  redis: { host: string; port: number };
  token: string;
  /** Fixed port; a free one is picked when omitted. */
  port?: number;
  log?: (line: string) => void;
}

export interface LocalUpstash {
  url: string;
  token: string;
  /** HTTP requests received so far, including refused ones (lets benchmarks see auto-pipelining). */
  requests: () => number;
  stop(): Promise<void>;
}

type JsonReply = string | number | null | JsonReply[];
type Entry = { result: JsonReply } | { error: string };

/** A refusal the HTTP layer turns into `{"error": message}` with `status`. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Commands that would change a pooled connection's state or hold it forever.
const REFUSED_COMMANDS = new Set([
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'select',
  'swapdb',
  'quit',
  'reset',
  'hello',
  'auth',
  'client',
  'monitor',
  'sync',
  'psync',
  'replicaof',
  'slaveof',
  'shutdown',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
]);
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_IDLE_CONNECTIONS = 16;

export async function startUpstashRestServer(opts: UpstashRestServerOptions): Promise<LocalUpstash> {
  const pool = new ConnectionPool(opts.redis);
  let requestCount = 0;
  let syncToken = 0;

  const server = createServer((req, res) => {
    requestCount++;
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Refusal ? err.message : `ERR local Upstash bridge failed: ${describe(err)}`;
      const status = err instanceof Refusal ? err.status : 500;
      if (status >= 500) opts.log?.(`upstash-rest: ${req.method} ${req.url}: ${describe(err)}`);
      reply(res, status, { error: message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!['GET', 'POST', 'PUT'].includes(req.method ?? '')) throw new Refusal(405, 'Method not allowed');
    if (!isAuthorized(req, url, opts.token)) throw new Refusal(401, 'WRONGPASS invalid or missing auth token');
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const body = await readBody(req);
    res.setHeader('upstash-sync-token', String(++syncToken));

    const [first, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (first === 'pipeline' && rest.length === 0) {
      const commands = parseCommandList(body);
      const entries = await pool.use((conn) => runPipeline(conn, commands));
      return reply(
        res,
        200,
        entries.map((e) => encodeEntry(e, base64)),
      );
    }
    if (first === 'multi-exec' && rest.length === 0) {
      const commands = parseCommandList(body);
      const entries = await pool.use((conn) => runTransaction(conn, commands));
      return reply(
        res,
        200,
        entries.map((e) => encodeEntry(e, base64)),
      );
    }
    if (first === 'subscribe' || first === 'psubscribe' || first === 'monitor') {
      throw new Refusal(400, `ERR ${first} (server-sent events) is not supported by the local Upstash bridge`);
    }
    const command = first === undefined ? parseCommand(parseJson(body)) : pathCommand([first, ...rest], url, body);
    const [entry] = await pool.use((conn) => runPipeline(conn, [command]));
    const encoded = encodeEntry(entry as CommandOutcome, base64);
    return reply(res, 'error' in encoded ? 400 : 200, encoded);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  opts.log?.(`upstash-rest bridge on ${url} -> redis ${opts.redis.host}:${opts.redis.port}`);

  return {
    url,
    token: opts.token,
    requests: () => requestCount,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // fetch keeps connections alive; without this close() would wait for them to time out.
      server.closeAllConnections();
      await Promise.all([closed, pool.close()]);
    },
  };
}

type CommandOutcome = { reply: RespReply } | { error: string };

async function runPipeline(conn: RespConnection, commands: RespArg[][]): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = commands.map((c) => refusalOf(c) ?? { reply: null });
  const toSend = commands.filter((_, i) => !('error' in (outcomes[i] as CommandOutcome)));
  const replies = toSend.length ? await conn.send(toSend) : [];
  let next = 0;
  return outcomes.map((o) => ('error' in o ? o : outcomeOf(replies[next++] as RespReply)));
}

/** MULTI, the commands and EXEC go out in one write on one connection, so nothing interleaves. */
async function runTransaction(conn: RespConnection, commands: RespArg[][]): Promise<CommandOutcome[]> {
  for (const command of commands) {
    const refused = refusalOf(command);
    if (refused) throw new Refusal(400, refused.error);
  }
  const replies = await conn.send([['MULTI'], ...commands, ['EXEC']]);
  const exec = replies[replies.length - 1] as RespReply;
  if (exec instanceof RespError) {
    // Redis only says EXECABORT; the queueing error says which command was wrong.
    const cause = replies.slice(1, -1).find((r): r is RespError => r instanceof RespError);
    throw new Refusal(400, cause ? `${exec.message} (${cause.message})` : exec.message);
  }
  if (!Array.isArray(exec)) throw new Refusal(400, 'ERR transaction was aborted');
  return exec.map(outcomeOf);
}

function outcomeOf(reply: RespReply): CommandOutcome {
  return reply instanceof RespError ? { error: reply.message } : { reply };
}

function refusalOf(command: RespArg[]): { error: string } | null {
  const name = String(command[0]).toLowerCase();
  return REFUSED_COMMANDS.has(name)
    ? { error: `ERR Command is not available in the local Upstash bridge: '${name}'` }
    : null;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refusal(400, 'ERR failed to parse command: request body is not JSON');
  }
}

function parseCommandList(body: Buffer): RespArg[][] {
  const parsed = parseJson(body);
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Refusal(400, 'ERR a pipeline must be a non-empty JSON array of commands');
  }
  return parsed.map(parseCommand);
}

/** The client sends strings, plus numbers and booleans as JSON scalars (e.g. `EX 10`). */
function parseCommand(value: unknown): RespArg[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Refusal(400, 'ERR a command must be a non-empty JSON array');
  }
  return value.map((arg) => {
    if (typeof arg === 'string') return arg;
    if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
    throw new Refusal(400, `ERR unsupported argument ${JSON.stringify(arg)}: use strings or numbers`);
  });
}

/** Upstash's URL form: path segments are the command, a POST body is the last argument, query pairs follow. */
function pathCommand(segments: string[], url: URL, body: Buffer): RespArg[] {
  const command: RespArg[] = [...segments];
  if (body.length > 0) command.push(body);
  for (const [key, value] of url.searchParams) {
    if (key !== '_token') command.push(key, value);
  }
  return command;
}

function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization ?? '';
  return header === `Bearer ${token}` || url.searchParams.get('_token') === token;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Refusal(400, 'ERR request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function encodeEntry(outcome: CommandOutcome, base64: boolean): Entry {
  return 'error' in outcome ? { error: outcome.error } : { result: encodeReply(outcome.reply, base64, true) };
}

/**
 * Integers stay numbers and nulls stay null. With base64, every string is base64 of its
 * bytes except a top-level status "OK": the client's decoder passes that one through,
 * but decodes every string inside an array, so an array's "OK" must be encoded too.
 */
function encodeReply(reply: RespReply, base64: boolean, topLevel: boolean): JsonReply {
  if (reply === null || typeof reply === 'number') return reply;
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64, false));
  if (reply instanceof RespError) return encodeReply(reply.message, base64, topLevel);
  if (typeof reply === 'string') {
    if (!base64 || (topLevel && reply === 'OK')) return reply;
    return Buffer.from(reply, 'utf8').toString('base64');
  }
  return base64 ? reply.toString('base64') : reply.toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Each HTTP request borrows its own connection for its whole duration, so replies of
 * concurrent requests can never interleave, and MULTI/EXEC stays on one connection.
 */
class ConnectionPool {
  private readonly idle: RespConnection[] = [];
  private readonly all = new Set<RespConnection>();

  constructor(private readonly addr: { host: string; port: number }) {}

  async use<T>(work: (conn: RespConnection) => Promise<T>): Promise<T> {
    const conn = this.idle.pop() ?? (await this.open());
    try {
      const result = await work(conn);
      this.release(conn);
      return result;
    } catch (err) {
      // A refusal decided before or after talking to redis leaves the connection clean.
      if (err instanceof Refusal && conn.isOpen) this.release(conn);
      else this.discard(conn);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.idle.length = 0;
    await Promise.all([...this.all].map((conn) => conn.close()));
    this.all.clear();
  }

  private async open(): Promise<RespConnection> {
    const conn = await RespConnection.connect(this.addr);
    this.all.add(conn);
    return conn;
  }

  private release(conn: RespConnection): void {
    if (conn.isOpen && this.idle.length < MAX_IDLE_CONNECTIONS) this.idle.push(conn);
    else this.discard(conn);
  }

  private discard(conn: RespConnection): void {
    this.all.delete(conn);
    void conn.close();
  }
}
