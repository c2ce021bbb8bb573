import type { Caller } from '../auth/keys';
import type { EventRetention } from '../events/wire';
import { redactValue, type RedactionTally } from '../redaction/redact';
import { storeCall, type ContextStore, type ContextRead } from './store';
import type { ContextFields, ContextPatch, StoredContext } from './snapshot';
import type { ContextWriter, ContextWriteResult, WriteMode } from './writes';

export type { ContextWriteResult, WriteMode } from './writes';

export interface ContextServiceDeps {
  project: string;
  ttlSeconds: number;
  store: ContextStore;
  /**
   * Writes go through the project's ledger object: the audit entry commits first, then the store, then the
   * object tells the hub (one call for the writes it stored together).
   */
  writer: ContextWriter;
  /** How the project's hub keeps events; absent when no hub is bound. */
  events?: EventRetention;
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
    return this.deps.writer.write({
      project,
      ttlSeconds: this.deps.ttlSeconds,
      caller,
      requestId: this.deps.requestId,
      mode,
      input,
      expectedVersion,
      redactions,
      events: this.deps.events,
    });
  }

  async clear(expectedVersion?: number): Promise<{ cleared: boolean; version: number | null }> {
    const { caller, project, events } = this.deps;
    const result = await this.deps.writer.clear({
      project,
      caller,
      requestId: this.deps.requestId,
      expectedVersion,
      events,
    });
    return { cleared: result.cleared, version: result.version };
  }

  private readStore(): Promise<ContextRead> {
    return this.storeCall(() => this.deps.store.read(this.deps.project));
  }

  private storeCall<T>(call: () => Promise<T>): Promise<T> {
    return storeCall(`context store (${this.deps.store.kind})`, 'nothing was changed', call);
  }
}
