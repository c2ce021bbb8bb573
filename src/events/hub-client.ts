import { hubStub, type EventHubObject, type ListenerIdentity } from '../objects/event-hub';
import type { EventTopic } from './publisher';
import type { PublishedEvent } from './wire';
import type { EventsConfig } from './config';
import { sha256, toHex } from '../auth/keys';

/** The Worker's handle on its project's event hub: tickets, recent events, and forwarding an authenticated upgrade. */
export class EventHubClient {
  constructor(
    private readonly namespace: DurableObjectNamespace<EventHubObject>,
    private readonly project: string,
    readonly config: EventsConfig,
  ) {}

  private get stub() {
    return hubStub(this.namespace, this.project);
  }

  /** Mint a random ticket; only its hash is stored. */
  async issueTicket(identity: ListenerIdentity): Promise<{ ticket: string; expiresAt: number }> {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const ticket = btoa(String.fromCharCode(...bytes))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');
    const expiresAt = Date.now() + this.config.ticketSeconds * 1000;
    await this.stub.issueTicket(toHex(await sha256(ticket)), identity, expiresAt);
    return { ticket, expiresAt };
  }

  async redeemTicket(ticket: string): Promise<ListenerIdentity | null> {
    return (await this.stub.redeemTicket(toHex(await sha256(ticket)))) as ListenerIdentity | null;
  }

  async recent(limit: number, topics?: EventTopic[]): Promise<PublishedEvent[]> {
    return (await this.stub.recent(limit, topics)) as PublishedEvent[];
  }

  listenerCount(): Promise<number> {
    return this.stub.listenerCount() as Promise<number>;
  }

  /** Hand an already authenticated upgrade to the hub. */
  connect(identity: ListenerIdentity, options: { topics?: EventTopic[]; since?: number }): Promise<Response> {
    const url = new URL('https://event-hub/connect');
    if (options.topics?.length) url.searchParams.set('topics', options.topics.join(','));
    if (options.since !== undefined) url.searchParams.set('since', String(options.since));
    return this.stub.fetch(url.toString(), {
      headers: { upgrade: 'websocket', 'x-hezlep-listener': JSON.stringify(identity) },
    });
  }
}
