import type { WriteOutcome } from '../context/store';
import type { StoredCursorSession } from './session';

/**
 * The port behind live cursor sessions, a sibling of the context store with the
 * same adapter choice. Writes are compare-and-set on the live session's version
 * (0 means "none live"), so a store never loses a newer value to a racing writer.
 */
export interface CursorSessionStore {
  readonly kind: 'upstash' | 'durable-object';
  read(project: string, key: string): Promise<StoredCursorSession | null>;
  write(
    project: string,
    key: string,
    next: StoredCursorSession,
    expectedVersion: number,
    ttlMs: number,
  ): Promise<WriteOutcome>;
  /** Every live session of the project, most recently received first. */
  list(project: string): Promise<StoredCursorSession[]>;
}
