import { DurableObject } from 'cloudflare:workers';
import { EVENT_TOPICS, type EventPublisher, type EventTopic, type ProjectEvent } from '../events/publisher';
import { readListenerMessage } from '../events/listener-message';
import { CLOSE_TOO_FAR_BEHIND, type EventRetention, type HubMessage, type PublishedEvent } from '../events/wire';
import { loadEventsConfig } from '../events/config';
import type { Env } from '../config';
import type { Logger } from '../lib/log';
import { RedactionTally, redactValue, type RedactionCounts } from '../redaction/redact';

/** Who a listener is, as the Worker authenticated it before forwarding the upgrade. */
export interface ListenerIdentity {
  client: string;
  person?: string;
  label: string;
}

interface ListenerState {
  identity: ListenerIdentity;
  topics: EventTopic[] | null;
}

/** A listener that acknowledges and then falls this many events behind is told to resync. */
export const MAX_UNACKED = 500;
/** Largest event body kept; bigger `data` is replaced by a note so one event cannot bloat replay. */
const MAX_EVENT_BYTES = 32 * 1024;

export const LISTENER_HEADER = 'x-hezlep-listener';

/** The one hub object of a project. */
export function hubStub(namespace: DurableObjectNamespace<EventHubObject>, project: string) {
  return namespace.get(namespace.idFromName(`events:${project}`));
}

/** What a publish answers: the events' sequence numbers, and the secrets the hub replaced in them (counted per kind). */
export interface PublishReceipt {
  seqs: number[];
  redactions: RedactionCounts;
}

/**
 * Publishes to the project's event hub object, which passes every event through the secret scanner
 * (whoever publishes) and answers what it replaced; those counts join the caller's tally. Events are
 * told after the change is committed, so a hub failure is logged and swallowed: the change stands,
 * listeners resync from the state when they notice the gap.
 */
export class HubEventPublisher implements EventPublisher {
  constructor(
    private readonly namespace: DurableObjectNamespace<EventHubObject>,
    private readonly project: string,
    private readonly log: Logger,
    private readonly tally?: RedactionTally,
  ) {}

  async publish(...events: ProjectEvent[]): Promise<void> {
    if (!events.length) return;
    try {
      const receipt = (await hubStub(this.namespace, this.project).publishAll(events)) as PublishReceipt;
      this.tally?.add(receipt.redactions);
    } catch (error) {
      this.log.warn('event not published', {
        topics: events.map((event) => event.topic).join(','),
        types: events.map((event) => event.type).join(','),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * One object per project: assigns sequence numbers, keeps recent events for
 * replay in SQLite (bounded by count and age), holds the listeners' WebSockets
 * through the Hibernation API and fans every event out to them. A send never
 * waits on a listener, so a slow or dead one cannot hold up the others.
 */
export class EventHubObject extends DurableObject<Env> {
  /** Per-socket flow control, in memory only: after hibernation every listener starts caught up. */
  private readonly acked = new Map<WebSocket, number>();
  private readonly states = new Map<WebSocket, ListenerState>();

  /** How many events, and how old, this hub keeps for replay: from its own env (EVENT_RETAIN_*), read once. */
  private readonly retention: EventRetention;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.retention = loadEventsConfig(env).retention;
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, topic TEXT NOT NULL, body TEXT NOT NULL)`,
    );
    // Age pruning runs on every publish: without this index it scans every kept event.
    ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS events_at ON events (at)');
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS tickets (hash TEXT PRIMARY KEY, caller TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
    );
    // Keep-alive pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** The highest sequence number assigned; kept in memory once read (this object is its only writer). */
  #head?: number;

  private get head(): number {
    this.#head ??= this.ctx.storage.kv.get<number>('head') ?? 0;
    return this.#head;
  }

  /**
   * Events in order (consecutive sequence numbers), with their secrets replaced, kept for replay in one
   * transaction, then sent to every matching listener. This is the one place events are redacted: every
   * publisher (a request, the ledger object, an index run) reaches listeners only through here. Answers the
   * sequence numbers and what was replaced (the caller has the events).
   */
  publishAll(events: ProjectEvent[]): PublishReceipt {
    const retention = this.retention;
    const first = this.head + 1;
    const now = Date.now();
    const at = new Date(now).toISOString();
    const published: PublishedEvent[] = [];
    const bodies: string[] = [];
    const redactions = new RedactionTally();
    for (const [i, event] of events.entries()) {
      const [kept, body] = bounded({ ...redacted(event, redactions), seq: first + i, at });
      published.push(kept);
      bodies.push(body);
    }
    const last = first + events.length - 1;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put('head', last);
      for (const [i, event] of published.entries())
        this.ctx.storage.sql.exec(
          'INSERT INTO events (seq, at, topic, body) VALUES (?, ?, ?, ?)',
          event.seq,
          now,
          event.topic,
          bodies[i],
        );
      // Two statements, each on its own index (an OR of both would scan the table).
      this.ctx.storage.sql.exec('DELETE FROM events WHERE seq <= ?', last - retention.maxCount);
      this.ctx.storage.sql.exec('DELETE FROM events WHERE at < ?', now - retention.maxAgeSeconds * 1000);
    });
    this.#head = last;
    const sockets = this.ctx.getWebSockets();
    for (const [i, event] of published.entries()) {
      const frame = `{"kind":"event",${bodies[i]!.slice(1)}`;
      for (const ws of sockets) this.deliver(ws, event.seq, event.topic, frame);
    }
    return { seqs: published.map((event) => event.seq), redactions: redactions.counts };
  }

  /** The last `limit` events still within the retention age (newest last), optionally only some topics. */
  recent(limit: number, topics?: EventTopic[]): PublishedEvent[] {
    this.pruneByAge();
    const rows = topics?.length
      ? this.ctx.storage.sql
          .exec<{ body: string }>(
            `SELECT body FROM events WHERE topic IN (${topics.map(() => '?').join(',')}) ORDER BY seq DESC LIMIT ?`,
            ...topics,
            limit,
          )
          .toArray()
      : this.ctx.storage.sql
          .exec<{ body: string }>('SELECT body FROM events ORDER BY seq DESC LIMIT ?', limit)
          .toArray();
    return rows.reverse().map((row) => JSON.parse(row.body) as PublishedEvent);
  }

  /** Remember a ticket (by its hash only) for one upgrade before `expiresAt`. */
  issueTicket(hash: string, caller: ListenerIdentity, expiresAt: number): void {
    this.ctx.storage.sql.exec('DELETE FROM tickets WHERE expires_at <= ?', Date.now());
    this.ctx.storage.sql.exec(
      'INSERT INTO tickets (hash, caller, expires_at) VALUES (?, ?, ?)',
      hash,
      JSON.stringify(caller),
      expiresAt,
    );
  }

  /** Use a ticket up: whoever redeems it first gets the identity, every later try gets null. */
  redeemTicket(hash: string): ListenerIdentity | null {
    const row = this.ctx.storage.sql
      .exec<{ caller: string; expires_at: number }>(
        'DELETE FROM tickets WHERE hash = ? RETURNING caller, expires_at',
        hash,
      )
      .toArray()[0];
    if (!row || row.expires_at <= Date.now()) return null;
    return JSON.parse(row.caller) as ListenerIdentity;
  }

  private pruneByAge(): void {
    this.ctx.storage.sql.exec('DELETE FROM events WHERE at < ?', Date.now() - this.retention.maxAgeSeconds * 1000);
  }

  listenerCount(): number {
    return this.ctx.getWebSockets().length;
  }

  /** Only the Worker reaches this, after authenticating the caller; it names the listener in a header. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const identity = JSON.parse(request.headers.get(LISTENER_HEADER) ?? 'null') as ListenerIdentity | null;
    if (!identity) return new Response('listener identity missing', { status: 400 });
    const url = new URL(request.url);
    const topics = parseTopics(url.searchParams.get('topics'));
    const sinceParam = url.searchParams.get('since');
    const since = sinceParam !== null && /^\d+$/.test(sinceParam) ? Number(sinceParam) : null;

    const { 0: client, 1: server } = new WebSocketPair();
    const state: ListenerState = { identity, topics };
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(state);
    this.states.set(server, state);

    // Replay and hello are sent in this same turn, before any later publish can interleave,
    // so a listener sees its missed events and then the live ones in strict sequence order.
    this.pruneByAge();
    const head = this.head;
    const oldest =
      this.ctx.storage.sql.exec<{ oldest: number | null }>('SELECT min(seq) AS oldest FROM events').one().oldest ?? 0;
    this.send(server, { kind: 'hello', head, oldest, topics, resumedFrom: since });
    if (since !== null) {
      if (since > head) {
        this.send(server, {
          kind: 'resync',
          reason: 'reset',
          head,
          message: `The hub's history restarted at ${head}; your last seq ${since} is from before. Re-read the context and sessions.`,
        });
      } else if (since < head && (oldest === 0 || since < oldest - 1)) {
        this.send(server, {
          kind: 'resync',
          reason: 'gap',
          head,
          message: `Events after ${since} are no longer kept (oldest kept: ${oldest || 'none'}). Re-read the context and sessions.`,
        });
      }
      const rows = this.ctx.storage.sql
        .exec<{ body: string; topic: string }>('SELECT body, topic FROM events WHERE seq > ? ORDER BY seq', since)
        .toArray();
      for (const row of rows) {
        if (!topics || topics.includes(row.topic as EventTopic))
          this.sendRaw(server, `{"kind":"event",${row.body.slice(1)}`);
      }
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const read = readListenerMessage(message);
    if ('error' in read) {
      this.send(ws, { kind: 'error', message: read.error });
      return;
    }
    if (read.type === 'ack') {
      this.acked.set(ws, Math.max(this.acked.get(ws) ?? 0, read.seq));
      return;
    }
    const topics = read.topics ? parseTopics(read.topics.join(',')) : null;
    const state = { ...this.stateOf(ws), topics };
    ws.serializeAttachment(state);
    this.states.set(ws, state);
    this.send(ws, { kind: 'subscribed', topics });
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.forget(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'bye');
    } catch {
      // already closed
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.forget(ws);
  }

  private deliver(ws: WebSocket, seq: number, topic: EventTopic, frame: string): void {
    const state = this.stateOf(ws);
    if (state.topics && !state.topics.includes(topic)) return;
    const acked = this.acked.get(ws);
    if (acked !== undefined && seq - acked > MAX_UNACKED) {
      // Too far behind: tell it to re-read state rather than queue without bound.
      this.send(ws, {
        kind: 'resync',
        reason: 'behind',
        head: seq,
        message: `More than ${MAX_UNACKED} events unacknowledged; reconnect with since=<your last seq> or re-read the state.`,
      });
      this.drop(ws, CLOSE_TOO_FAR_BEHIND, 'too far behind');
      return;
    }
    this.sendRaw(ws, frame);
  }

  private send(ws: WebSocket, message: HubMessage): void {
    this.sendRaw(ws, JSON.stringify(message));
  }

  private sendRaw(ws: WebSocket, frame: string): void {
    try {
      ws.send(frame);
    } catch {
      // A dead socket must not stop the fan-out to the others.
      this.drop(ws, 1011, 'send failed');
    }
  }

  private drop(ws: WebSocket, code: number, reason: string): void {
    this.forget(ws);
    try {
      ws.close(code, reason);
    } catch {
      // already gone
    }
  }

  private forget(ws: WebSocket): void {
    this.acked.delete(ws);
    this.states.delete(ws);
  }

  private stateOf(ws: WebSocket): ListenerState {
    let state = this.states.get(ws);
    if (!state) {
      state = (ws.deserializeAttachment() as ListenerState | null) ?? {
        identity: { client: 'unknown', label: 'unknown' },
        topics: null,
      };
      this.states.set(ws, state);
    }
    return state;
  }
}

export function parseTopics(raw: string | null | undefined): EventTopic[] | null {
  if (!raw) return null;
  const wanted = raw
    .split(',')
    .map((topic) => topic.trim())
    .filter(Boolean);
  const known = wanted.filter((topic): topic is EventTopic => (EVENT_TOPICS as readonly string[]).includes(topic));
  return known.length ? [...new Set(known)] : null;
}

/** An event's summary and data passed through the secret scanner as one document; what it replaced joins `tally`. */
function redacted(event: ProjectEvent, tally: RedactionTally): ProjectEvent {
  const { value, counts, total } = redactValue({ summary: event.summary, data: event.data });
  if (!total) return event;
  tally.add(counts);
  return { ...event, summary: value.summary, ...(value.data ? { data: value.data } : {}) };
}

/** The event as kept (`data` over MAX_EVENT_BYTES replaced by a note) and its JSON, stringified once. */
function bounded(event: PublishedEvent): [PublishedEvent, string] {
  const body = JSON.stringify(event);
  // A UTF-8 byte is at least a UTF-16 unit and at most three: short bodies need no encoding to be measured.
  if (!event.data || body.length * 3 <= MAX_EVENT_BYTES) return [event, body];
  const bytes = new TextEncoder().encode(JSON.stringify(event.data)).length;
  if (bytes <= MAX_EVENT_BYTES) return [event, body];
  const kept = { ...event, data: { truncated: true, bytes } };
  return [kept, JSON.stringify(kept)];
}
