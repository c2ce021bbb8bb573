import WebSocket from 'ws';
import type { EventTopic } from '../events/publisher';
import type { HubMessage, PublishedEvent } from '../events/wire';
import { CliError } from './errors';

export interface EventStreamOptions {
  url: string;
  apiKey: string;
  topics?: EventTopic[];
  /** Resume after this sequence number on the first connection. */
  since?: number;
  onEvent(event: PublishedEvent): void | Promise<void>;
  onControl(message: Exclude<HubMessage, { kind: 'event' }>): void;
  /** Connection status lines (connected, lost, retrying). */
  onStatus(line: string): void;
  signal: AbortSignal;
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

const PING_EVERY_MS = 25_000;
const SILENCE_LIMIT_MS = 70_000;
const ACK_EVERY_MS = 1_000;

/**
 * Holds the event WebSocket: reconnects with exponential backoff and jitter,
 * resumes from the last sequence seen, drops duplicates, acknowledges what it
 * processed. Resolves when the signal aborts; rejects only when the service
 * refuses the key or has no event hub (retrying cannot help then).
 */
export class EventStream {
  lastSeq: number | undefined;
  private attempt = 0;

  constructor(private readonly options: EventStreamOptions) {
    this.lastSeq = options.since;
  }

  async run(): Promise<void> {
    const { signal } = this.options;
    while (!signal.aborted) {
      const outcome = await this.connectOnce();
      if (outcome.fatal) throw outcome.fatal;
      if (signal.aborted) break;
      if (outcome.connected) this.attempt = 0;
      const delay = this.nextDelay();
      this.options.onStatus(
        `${outcome.reason}; reconnecting in ${(delay / 1000).toFixed(1)}s${this.lastSeq !== undefined ? ` (resuming after #${this.lastSeq})` : ''}`,
      );
      await sleep(delay, signal);
    }
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so reconnecting clients spread out. */
  nextDelay(): number {
    const initial = this.options.initialDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** this.attempt);
    this.attempt++;
    return Math.round(base / 2 + (this.options.random ?? Math.random)() * (base / 2));
  }

  private streamUrl(): string {
    const url = new URL(`${this.options.url.replace(/^http/, 'ws')}/ai/events`);
    if (this.options.topics?.length) url.searchParams.set('topics', this.options.topics.join(','));
    if (this.lastSeq !== undefined) url.searchParams.set('since', String(this.lastSeq));
    return url.toString();
  }

  private connectOnce(): Promise<{ connected: boolean; reason: string; fatal?: CliError }> {
    const { signal } = this.options;
    return new Promise((resolve) => {
      const ws = new WebSocket(this.streamUrl(), {
        headers: { 'x-api-key': this.options.apiKey, 'user-agent': 'hezlep-cli' },
        handshakeTimeout: 15_000,
      });
      let connected = false;
      let settled = false;
      let ackedSeq = this.lastSeq ?? 0;
      let lastHeard = Date.now();
      const timers: NodeJS.Timeout[] = [];
      const finish = (result: { connected: boolean; reason: string; fatal?: CliError }) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearInterval(timer);
        signal.removeEventListener('abort', onAbort);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
        resolve(result);
      };
      const onAbort = () => {
        if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'bye');
        finish({ connected, reason: 'stopped' });
      };
      signal.addEventListener('abort', onAbort);

      ws.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => {
          let detail = text.slice(0, 300);
          try {
            detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
          } catch {
            // not JSON
          }
          if (status === 401 || status === 403)
            finish({
              connected,
              reason: 'refused',
              fatal: new CliError(`The service refused to open the event stream: ${detail}`, 3),
            });
          else if (status === 404 || status === 501)
            finish({
              connected,
              reason: 'unavailable',
              fatal: new CliError(`The service has no event stream: ${detail}`, 1),
            });
          else finish({ connected, reason: `the service answered ${status}` });
        });
      });
      ws.on('open', () => {
        connected = true;
        this.options.onStatus(
          `connected to ${this.options.url}${this.lastSeq !== undefined ? `, resuming after #${this.lastSeq}` : ''}`,
        );
        timers.push(
          setInterval(() => {
            if (Date.now() - lastHeard > SILENCE_LIMIT_MS) {
              finish({ connected, reason: 'no answer from the service' });
              return;
            }
            ws.send('ping');
          }, PING_EVERY_MS),
          setInterval(() => {
            if (this.lastSeq !== undefined && this.lastSeq > ackedSeq && ws.readyState === WebSocket.OPEN) {
              ackedSeq = this.lastSeq;
              ws.send(JSON.stringify({ type: 'ack', seq: ackedSeq }));
            }
          }, ACK_EVERY_MS),
        );
      });
      ws.on('message', (data) => {
        lastHeard = Date.now();
        const text = data.toString();
        if (text === 'pong') return;
        let message: HubMessage;
        try {
          message = JSON.parse(text) as HubMessage;
        } catch {
          return;
        }
        if (message.kind === 'event') {
          if (this.lastSeq !== undefined && message.seq <= this.lastSeq) return; // already seen (replay overlap)
          this.lastSeq = message.seq;
          const { kind: _kind, ...event } = message;
          void this.options.onEvent(event);
          return;
        }
        if (message.kind === 'hello' && this.lastSeq === undefined) this.lastSeq = message.head;
        if (message.kind === 'resync' && message.reason === 'reset') this.lastSeq = message.head;
        this.options.onControl(message);
      });
      ws.on('close', (code, reason) =>
        finish({ connected, reason: `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` }),
      );
      ws.on('error', (error) =>
        finish({ connected, reason: `connection failed (${(error as NodeJS.ErrnoException).code ?? error.message})` }),
      );
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
