import { api } from './api';

/** `live`: WebSocket open; `reconnecting`: lost it, trying again; `polling`: this server has no event stream. */
export type LiveMode = 'connecting' | 'live' | 'reconnecting' | 'polling';

export interface LiveEvent {
  seq: number;
  at: string;
  topic: string;
  type: string;
  summary: string;
  actor?: { client: string; person?: string; label?: string };
  data?: Record<string, unknown>;
}

type HubMessage =
  | ({ kind: 'event' } & LiveEvent)
  | { kind: 'hello'; head: number; resumedFrom: number | null }
  | { kind: 'resync'; head: number; reason: string }
  | { kind: 'subscribed' }
  | { kind: 'error'; message: string };

interface TopicListener {
  topics: ReadonlySet<string>;
  onEvent(event: LiveEvent): void;
}

/**
 * The dashboard's one connection to `GET /ai/events`: a one-time ticket, then a
 * WebSocket resumed from the last sequence seen. On a lost connection it retries
 * with backoff and jitter; on reconnect or a `resync` it tells every card to reload.
 */
export class LiveFeed {
  mode: LiveMode = 'connecting';
  lastSeq: number | null = null;
  private socket: WebSocket | undefined;
  private attempt = 0;
  private connectedBefore = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly topicListeners = new Set<TopicListener>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly modeListeners = new Set<(mode: LiveMode) => void>();

  /** `report(false)` when the service did not answer at all, for the page's banner. */
  constructor(
    private readonly key: string,
    private readonly report: (reachable: boolean, askedAt: number) => void = () => undefined,
  ) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.ackTimer);
    this.socket?.close(1000, 'signed out');
  }

  onTopics(topics: readonly string[], onEvent: (event: LiveEvent) => void): () => void {
    const listener = { topics: new Set(topics), onEvent };
    this.topicListeners.add(listener);
    return () => this.topicListeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  onMode(listener: (mode: LiveMode) => void): () => void {
    this.modeListeners.add(listener);
    return () => this.modeListeners.delete(listener);
  }

  private setMode(mode: LiveMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    for (const listener of this.modeListeners) listener(mode);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const askedAt = performance.now();
    const ticket = await api<{ ticket: string }>(this.key, '/ai/events/ticket', { method: 'POST' });
    if (this.stopped) return;
    this.report(ticket.status !== 0, askedAt);
    if (!ticket.ok) {
      // No event hub on this server (404) or none configured (501): the cards poll instead.
      if (ticket.status === 404 || ticket.status === 501) {
        this.setMode('polling');
        this.retryTimer = setTimeout(() => void this.connect(), 60_000);
      } else {
        this.retryLater();
      }
      return;
    }
    const url = new URL('/ai/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket.body.ticket);
    if (this.lastSeq !== null) url.searchParams.set('since', String(this.lastSeq));
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.retryLater();
      return;
    }
    this.socket = socket;
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.socket === socket) this.socket = undefined;
      if (!this.stopped) this.retryLater();
    };
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string' || raw === 'pong') return;
    let message: HubMessage;
    try {
      message = JSON.parse(raw) as HubMessage;
    } catch {
      return;
    }
    switch (message.kind) {
      case 'hello': {
        this.attempt = 0;
        this.setMode('live');
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.socket?.send('ping'), 25_000);
        // Reload every card once subscribed: a change made between a card's first load and this moment
        // (or while reconnecting) reached no socket; replay covers events, a reload covers everything.
        this.resync();
        this.connectedBefore = true;
        if (this.lastSeq === null) this.lastSeq = message.head;
        break;
      }
      case 'resync':
        this.lastSeq = message.head;
        this.resync();
        break;
      case 'event':
        this.lastSeq = Math.max(this.lastSeq ?? 0, message.seq);
        for (const listener of this.topicListeners) if (listener.topics.has(message.topic)) listener.onEvent(message);
        this.scheduleAck();
        break;
      default:
        break;
    }
  }

  private scheduleAck(): void {
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = undefined;
      if (this.lastSeq !== null && this.socket?.readyState === WebSocket.OPEN)
        this.socket.send(JSON.stringify({ type: 'ack', seq: this.lastSeq }));
    }, 1_000);
  }

  private resync(): void {
    for (const listener of this.resyncListeners) listener();
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.setMode(this.connectedBefore ? 'reconnecting' : this.mode === 'polling' ? 'polling' : 'reconnecting');
    const delay = Math.min(15_000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt = Math.min(this.attempt + 1, 10);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
