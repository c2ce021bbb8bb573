import { z } from 'zod';
import { ApiError } from '../errors';
import type { EventHubObject } from '../objects/event-hub';
import type { EventRetention } from './wire';

export type { EventRetention } from './wire';

export type EventHubChoice =
  | { kind: 'durable-object'; namespace: DurableObjectNamespace<EventHubObject> }
  | { kind: 'silent' };

export interface EventsConfig {
  hub: EventHubChoice;
  retention: EventRetention;
  /** Lifetime of a one-time WebSocket ticket. */
  ticketSeconds: number;
}

const count = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const EventsVarsSchema = z.object({
  EVENT_RETAIN_COUNT: count(1_000, 10, 100_000),
  EVENT_RETAIN_SECONDS: count(86_400, 60, 30 * 86_400),
  EVENT_TICKET_SECONDS: count(30, 1, 600),
  EVENT_HUB: z.unknown().optional(),
});

/** The event hub's configuration: retention bounds, ticket lifetime, and whether a hub is bound at all. */
export function loadEventsConfig(vars: Record<string, unknown>): EventsConfig {
  const parsed = EventsVarsSchema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${why}`);
  }
  const { EVENT_HUB, EVENT_RETAIN_COUNT, EVENT_RETAIN_SECONDS, EVENT_TICKET_SECONDS } = parsed.data;
  return {
    hub: EVENT_HUB ? { kind: 'durable-object', namespace: EVENT_HUB as DurableObjectNamespace<EventHubObject> } : { kind: 'silent' },
    retention: { maxCount: EVENT_RETAIN_COUNT, maxAgeSeconds: EVENT_RETAIN_SECONDS },
    ticketSeconds: EVENT_TICKET_SECONDS,
  };
}

/** The one hub object of a project. */
export function hubStub(namespace: DurableObjectNamespace<EventHubObject>, project: string) {
  return namespace.get(namespace.idFromName(`events:${project}`));
}
