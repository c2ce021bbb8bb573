import type { Caller } from '../auth/keys';

export const EVENT_TOPICS = ['context', 'cursor', 'intents', 'audit', 'index', 'health', 'queries', 'digest'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

/** Something that happened, as told to live listeners (Cursor, the dashboard). */
export interface ProjectEvent {
  topic: EventTopic;
  type: string;
  summary: string;
  actor?: Pick<Caller, 'client' | 'person' | 'label'>;
  data?: Record<string, unknown>;
}

/** The port through which every change is pushed to listeners. */
export interface EventPublisher {
  /** Several events are told in order, in one call to the hub (one sequence number each). */
  publish(...events: ProjectEvent[]): Promise<void>;
}

/** Used where no event hub is bound: changes still happen, nobody is told live. */
export class SilentEventPublisher implements EventPublisher {
  async publish(): Promise<void> {}
}
