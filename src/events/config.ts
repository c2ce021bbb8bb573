import { z } from 'zod';
import { intVar, varsSection } from '../lib/vars';
import type { EventRetention } from './wire';

export type { EventRetention } from './wire';

/** The hub's binding, typed from the generated Env (an import of the object's class would close a cycle). */
type EventHubNamespace = Cloudflare.Env['EVENT_HUB'];

export type EventHubChoice = { kind: 'durable-object'; namespace: EventHubNamespace } | { kind: 'silent' };

export interface EventsConfig {
  hub: EventHubChoice;
  retention: EventRetention;
  /** Lifetime of a one-time WebSocket ticket. */
  ticketSeconds: number;
}

export const eventsVars = varsSection(
  'Event hub',
  z.object({
    EVENT_RETAIN_COUNT: intVar(1_000, 10, 100_000).describe('Events kept for replay to reconnecting listeners.'),
    EVENT_RETAIN_SECONDS: intVar(86_400, 60, 30 * 86_400).describe('Oldest event kept for replay, in seconds.'),
    EVENT_TICKET_SECONDS: intVar(30, 1, 600).describe('Lifetime of a one-time WebSocket ticket, in seconds.'),
    EVENT_HUB: z
      .unknown()
      .optional()
      .describe(
        'Durable Object binding of the event hub (wrangler.toml); without it events are silent and /ai/events* answer 501.',
      ),
  }),
  (v): EventsConfig => ({
    hub: v.EVENT_HUB ? { kind: 'durable-object', namespace: v.EVENT_HUB as EventHubNamespace } : { kind: 'silent' },
    retention: { maxCount: v.EVENT_RETAIN_COUNT, maxAgeSeconds: v.EVENT_RETAIN_SECONDS },
    ticketSeconds: v.EVENT_TICKET_SECONDS,
  }),
);

/** The event hub's configuration: retention bounds, ticket lifetime, and whether a hub is bound at all. */
export const loadEventsConfig = (vars: Record<string, unknown>): EventsConfig => eventsVars.parse(vars);
