import type { Caller } from '../auth/keys';
import { redactValue, type RedactionTally } from '../redaction/redact';
import { storeCall, type ContextStore, type ContextRead } from './store';
import type { ContextFields, ContextPatch, StoredContext } from './snapshot';
import type { ContextWriter, ContextWriteResult, WriteMode } from './write-types';

export type { ContextWriteResult, WriteMode } from './write-types';

export interface SharedContextDeps {
  project: string;
  store: ContextStore;
  /** Writes go through the project's ledger object, which decides, audits, stores and tells them (context/single-writer.ts). */
  writer: ContextWriter;
  caller: Caller;
  requestId: string;
  /** Where this request's redactions are counted (for the metrics). */
  redactions?: RedactionTally;
}

/**
 * The Worker's side of the shared working context: reads from the store, and writes with their secrets
 * replaced, sent to the project's ledger object (the TTL, last write wins, the version check and the
 * overwrite audit are decided there, in context/single-writer.ts).
 */
export class SharedContext {
  constructor(private readonly deps: SharedContextDeps) {}

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
      caller,
      requestId: this.deps.requestId,
      mode,
      input,
      expectedVersion,
      redactions,
    });
  }

  async clear(expectedVersion?: number): Promise<{ cleared: boolean; version: number | null }> {
    const { caller, project } = this.deps;
    const result = await this.deps.writer.clear({ project, caller, requestId: this.deps.requestId, expectedVersion });
    return { cleared: result.cleared, version: result.version };
  }

  private readStore(): Promise<ContextRead> {
    return this.storeCall(() => this.deps.store.read(this.deps.project));
  }

  private storeCall<T>(call: () => Promise<T>): Promise<T> {
    return storeCall(`context store (${this.deps.store.kind})`, 'nothing was read', call);
  }
}
