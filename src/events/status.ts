import type { LayerProbe } from '../status/probe';
import type { EventHubClient } from './hub-client';

/** The event hub in /ai/status: answering, and how many listeners are connected. */
export function eventHubProbe(services: { eventHub: EventHubClient | null }): LayerProbe {
  return {
    layer: 'event-hub',
    critical: false,
    async check() {
      const hub = services.eventHub;
      if (!hub)
        return {
          state: 'unconfigured',
          reason: 'no EVENT_HUB Durable Object is bound; changes are not pushed live',
          latencyMs: 0,
        };
      try {
        const listeners = await hub.listenerCount();
        return { state: 'ok', reason: `${listeners} live listener(s)`, details: { listeners } };
      } catch {
        return { state: 'down', reason: 'the event hub did not answer' };
      }
    },
  };
}
