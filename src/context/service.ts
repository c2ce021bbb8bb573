import type { Caller } from '../auth/keys';
import type { EventPublisher, ProjectEvent } from '../events/publisher';
import { auditEvent } from '../audit/log';
import { redactValue, type RedactionTally } from '../redaction/redact';
import { storeCall, type ContextStore, type ContextRead } from './store';
import type { ContextFields, ContextPatch, StoredContext } from './snapshot';
import { describeChanged, type ContextWriter, type ContextWriteResult, type WriteMode } from './writes';

export type { ContextWriteResult, WriteMode } from './writes';

export interface ContextServiceDeps {
  project: string;
  ttlSeconds: number;
  store: ContextStore;
  /** Writes go through the project's ledger object: the audit entry commits first, then the store. */
  writer: ContextWriter;
  events: EventPublisher;
  caller: Caller;
  requestId: string;
  /** Where this request's redactions are counted (for the metrics). */
  redactions?: RedactionTally;
  now?: () => Date;
}

/** The shared working context's rules: TTL, last-write-wins, optional CAS, audited overwrites. */
export class ContextService {
  constructor(private readonly deps: ContextServiceDeps) {}

  async read(): Promise<StoredContext | null> {
    return (await this.readStore()).current;
  }

  async write(
    mode: WriteMode,
    sent: ContextFields | ContextPatch,
    expectedVersion?: number,
  ): Promise<ContextWriteResult> {
    const { caller, project } = this.deps;
    // Secrets are replaced before anything is stored, audited or published; only their count is kept.
    const { value: input, counts: redactions } = redactValue(sent);
    this.deps.redactions?.add(redactions);
    const result = await this.deps.writer.write({
      project,
      ttlSeconds: this.deps.ttlSeconds,
      caller,
      requestId: this.deps.requestId,
      mode,
      input,
      expectedVersion,
      redactions,
    });
    // The audit entry and the change it audits go to the hub in one call, in that order.
    await this.publish(
      auditEvent(result.audit),
      this.event(
        'context.updated',
        `${caller.label} ${mode === 'replace' ? 'replaced' : 'updated'} the context: ${describeChanged(result.changed)}`,
        {
          version: result.context.version,
          changedFields: result.changed,
          context: result.context.fields,
        },
      ),
    );
    return result;
  }

  async clear(expectedVersion?: number): Promise<{ cleared: boolean; version: number | null }> {
    const { caller, project } = this.deps;
    const result = await this.deps.writer.clear({ project, caller, requestId: this.deps.requestId, expectedVersion });
    const events: ProjectEvent[] = result.audit ? [auditEvent(result.audit)] : [];
    if (result.cleared)
      events.push(this.event('context.cleared', `${caller.label} cleared the context`, { version: result.version }));
    await this.publish(...events);
    return { cleared: result.cleared, version: result.version };
  }

  private readStore(): Promise<ContextRead> {
    return this.storeCall(() => this.deps.store.read(this.deps.project));
  }

  private storeCall<T>(call: () => Promise<T>): Promise<T> {
    return storeCall(`context store (${this.deps.store.kind})`, 'nothing was changed', call);
  }

  private event(type: string, summary: string, data: Record<string, unknown>): ProjectEvent {
    const { caller } = this.deps;
    return {
      topic: 'context',
      type,
      summary,
      actor: { client: caller.client, person: caller.person, label: caller.label },
      data,
    };
  }

  /** Events are told after the change is committed: a hub failure never fails the change. */
  private async publish(...events: ProjectEvent[]): Promise<void> {
    if (events.length) await this.deps.events.publish(...events).catch(() => undefined);
  }
}
