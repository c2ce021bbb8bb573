import type { WriteOutcome } from '../context/store';
import type { CursorSessionStore } from '../cursor/store';
import type { StoredCursorSession } from '../cursor/session';
import type { ContextStoreObject } from '../objects/context-store';

/** Sessions in the project's embedded context object (used when Upstash is not configured). */
export class DurableObjectCursorSessionStore implements CursorSessionStore {
  readonly kind = 'durable-object' as const;

  constructor(private readonly namespace: DurableObjectNamespace<ContextStoreObject>) {}

  private stub(project: string) {
    return this.namespace.get(this.namespace.idFromName(`context:${project}`));
  }

  read(project: string, key: string): Promise<StoredCursorSession | null> {
    return this.stub(project).readSession(key) as Promise<StoredCursorSession | null>;
  }

  write(
    project: string,
    key: string,
    next: StoredCursorSession,
    expectedVersion: number,
    ttlMs: number,
  ): Promise<WriteOutcome> {
    return this.stub(project).writeSession(key, next, expectedVersion, ttlMs) as Promise<WriteOutcome>;
  }

  list(project: string): Promise<StoredCursorSession[]> {
    return this.stub(project).listSessions() as Promise<StoredCursorSession[]>;
  }
}
