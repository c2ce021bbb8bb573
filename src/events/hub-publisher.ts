import type { EventHubObject } from '../objects/event-hub';
import type { Logger } from '../lib/log';
import type { EventPublisher, ProjectEvent } from './publisher';
import { hubStub } from './config';

/**
 * Publishes to the project's event hub object. Events are told after the change
 * is committed, so a hub failure is logged and swallowed: the change stands,
 * listeners resync from the state when they notice the gap.
 */
export class HubEventPublisher implements EventPublisher {
  constructor(
    private readonly namespace: DurableObjectNamespace<EventHubObject>,
    private readonly project: string,
    private readonly log: Logger,
  ) {}

  async publish(...events: ProjectEvent[]): Promise<void> {
    if (!events.length) return;
    try {
      await hubStub(this.namespace, this.project).publishAll(events);
    } catch (error) {
      this.log.warn('event not published', {
        topics: events.map((event) => event.topic).join(','),
        types: events.map((event) => event.type).join(','),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
