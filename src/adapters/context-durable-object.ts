import type { ContextRead, ContextStore, WriteOutcome } from '../context/store';
import type { StoredContext } from '../context/snapshot';
import type { ContextStoreObject } from '../objects/context-store';

export class DurableObjectContextStore implements ContextStore {
  readonly kind = 'durable-object' as const;

  constructor(private readonly namespace: DurableObjectNamespace<ContextStoreObject>) {}

  private stub(project: string) {
    return this.namespace.get(this.namespace.idFromName(`context:${project}`));
  }

  read(project: string): Promise<ContextRead> {
    return this.stub(project).read() as Promise<ContextRead>;
  }

  write(project: string, next: StoredContext, expectedVersion: number, ttlMs: number): Promise<WriteOutcome> {
    return this.stub(project).write(next, expectedVersion, ttlMs) as Promise<WriteOutcome>;
  }

  clear(project: string, expectedVersion: number): Promise<WriteOutcome> {
    return this.stub(project).clear(expectedVersion) as Promise<WriteOutcome>;
  }
}
