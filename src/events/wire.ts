import type { EventTopic, ProjectEvent } from './publisher';

/** How much of the event stream the hub keeps for replay. */
export interface EventRetention {
  /** Most events kept for replay. */
  maxCount: number;
  /** Events older than this are dropped from replay. */
  maxAgeSeconds: number;
}

/**
 * What travels over the event WebSocket. Shared by the hub, the CLI and tests,
 * so it holds types and pure helpers only (no Workers or Node imports).
 */
export interface PublishedEvent extends ProjectEvent {
  /** Monotonically increasing per project; never reused, even after old events are pruned. */
  seq: number;
  /** ISO time the hub accepted the event. */
  at: string;
}

export type HubMessage =
  | ({ kind: 'event' } & PublishedEvent)
  | {
      kind: 'hello';
      /** Highest sequence number the hub has assigned. */
      head: number;
      /** Oldest sequence number still kept for replay (0 when none is kept). */
      oldest: number;
      topics: EventTopic[] | null;
      /** Replay starts after this sequence number, when the listener asked to resume. */
      resumedFrom: number | null;
    }
  | {
      kind: 'resync';
      /** `gap`: events after the listener's last seq were pruned; `reset`: the hub's history is newer than the listener; `behind`: too many unacknowledged events. */
      reason: 'gap' | 'reset' | 'behind';
      head: number;
      message: string;
    }
  | { kind: 'subscribed'; topics: EventTopic[] | null }
  | { kind: 'error'; message: string };

/** What a listener may send. */
export type ListenerMessage = { type: 'subscribe'; topics: EventTopic[] | null } | { type: 'ack'; seq: number };

/** WebSocket close codes the hub uses (4000-4999 are free for applications). */
export const CLOSE_TOO_FAR_BEHIND = 4008;
