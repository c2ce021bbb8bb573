import type { QueryLogStore, RecordedQuery } from '../queries/log';
import type { ContextStoreObject } from '../objects/context-store';

/** The query log kept in the project's embedded context store object (same adapter choice as the context). */
export class DurableObjectQueryLogStore implements QueryLogStore {
  readonly kind = 'durable-object' as const;

  constructor(private readonly namespace: DurableObjectNamespace<ContextStoreObject>) {}

  private stub(project: string) {
    return this.namespace.get(this.namespace.idFromName(`context:${project}`));
  }

  async append(project: string, entry: RecordedQuery, capacity: number): Promise<void> {
    await this.stub(project).appendQuery(entry, capacity);
  }

  recent(project: string, limit: number): Promise<RecordedQuery[]> {
    return this.stub(project).recentQueries(limit) as Promise<RecordedQuery[]>;
  }
}
