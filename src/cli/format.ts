import type { HubMessage, PublishedEvent } from '../events/wire';

/** One readable line per event: time, seq, topic, who, what. */
export function eventLine(event: PublishedEvent): string {
  const time = event.at.slice(11, 19);
  const who = event.actor?.label ?? 'service';
  return `${time} #${event.seq} ${event.topic.padEnd(7)} ${who}: ${event.summary}`;
}

/** A line for the hub's control messages, or null for ones not worth showing. */
export function controlLine(message: Exclude<HubMessage, { kind: 'event' }>): string | null {
  switch (message.kind) {
    case 'resync':
      return `! resync (${message.reason}): ${message.message}`;
    case 'error':
      return `! hub: ${message.message}`;
    default:
      return null;
  }
}
