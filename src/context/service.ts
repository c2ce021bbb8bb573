import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { EventPublisher } from '../events/publisher';
import { redactValue, type RedactionTally } from '../redaction/redact';
import type { ContextStore, ContextRead, WriteOutcome } from './store';
import {
  authorLabel,
  changedFields,
  mergeContext,
  type ContextFields,
  type ContextPatch,
  type StoredContext,
} from './snapshot';

export interface ContextServiceDeps {
  project: string;
  ttlSeconds: number;
  store: ContextStore;
  audit: AuditLog;
  events: EventPublisher;
  caller: Caller;
  /** Where this request's redactions are counted (for the metrics). */
  redactions?: RedactionTally;
  now?: () => Date;
}

export type WriteMode = 'replace' | 'merge';

export interface ContextWriteResult {
  context: StoredContext;
  changed: string[];
  /** Set when this write replaced a value another identity wrote. */
  overwrote?: { client: string; person?: string; version: number; updatedAt: string };
}

/** The shared working context's rules: TTL, last-write-wins, optional CAS, audited overwrites. */
export class ContextService {
  constructor(private readonly deps: ContextServiceDeps) {}

  private get target(): string {
    return `context:${this.deps.project}`;
  }

  async read(): Promise<StoredContext | null> {
    return (await this.readStore()).current;
  }

  async write(mode: WriteMode, sent: ContextFields | ContextPatch, expectedVersion?: number): Promise<ContextWriteResult> {
    const { store, audit, caller, project } = this.deps;
    // Secrets are replaced before anything is stored, audited or published; only their count is kept.
    const { value: input, counts: redactions, total: redacted } = redactValue(sent);
    this.deps.redactions?.add(redactions);
    const result = await audit.transact(async (scope) => {
      // The chain lock is held: no other audited writer can interleave from here to commit.
      const { current, lastVersion } = await this.readStore();
      this.checkVersion(current, expectedVersion);
      const fields = mode === 'replace' ? (input as ContextFields) : mergeContext(current?.fields ?? {}, input as ContextPatch);
      const now = this.now();
      const next: StoredContext = {
        fields,
        updatedBy: caller.person ? { client: caller.client, person: caller.person } : { client: caller.client },
        updatedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.deps.ttlSeconds * 1000).toISOString(),
        version: lastVersion + 1,
      };
      const changed = changedFields(current?.fields, fields);
      const overwrote =
        current && authorLabel(current.updatedBy) !== caller.label
          ? { ...current.updatedBy, version: current.version, updatedAt: current.updatedAt }
          : undefined;
      await scope.append({
        action: overwrote ? 'context.overwrite' : mode === 'replace' ? 'context.replace' : 'context.merge',
        target: this.target,
        summary: overwrote
          ? `${caller.label} overwrote ${authorLabel(overwrote)}'s context (v${overwrote.version} -> v${next.version}): ${describeChanged(changed)}`
          : `${caller.label} ${mode === 'replace' ? 'replaced' : 'updated'} the context (v${next.version}): ${describeChanged(changed)}`,
        // Field names only: values may hold anything and the audit log must never carry secrets.
        detail: { mode, version: next.version, changedFields: changed, ...(overwrote ? { overwrote } : {}), ...(redacted ? { redactions } : {}) },
      });
      this.checkOutcome(await this.storeCall(() => store.write(project, next, current?.version ?? 0, this.deps.ttlSeconds * 1000)));
      return { context: next, changed, overwrote };
    });
    await this.publish('context.updated', `${caller.label} ${mode === 'replace' ? 'replaced' : 'updated'} the context: ${describeChanged(result.changed)}`, {
      version: result.context.version,
      changedFields: result.changed,
      context: result.context.fields,
    });
    return result;
  }

  async clear(expectedVersion?: number): Promise<{ cleared: boolean; version: number | null }> {
    const { store, audit, caller, project } = this.deps;
    const result = await audit.transact(async (scope) => {
      const { current } = await this.readStore();
      this.checkVersion(current, expectedVersion);
      if (!current) return { cleared: false, version: null };
      await scope.append({
        action: 'context.clear',
        target: this.target,
        summary: `${caller.label} cleared the context (was v${current.version} by ${authorLabel(current.updatedBy)})`,
        detail: { version: current.version, previousAuthor: current.updatedBy },
      });
      this.checkOutcome(await this.storeCall(() => store.clear(project, current.version)));
      return { cleared: true, version: current.version };
    });
    if (result.cleared) await this.publish('context.cleared', `${caller.label} cleared the context`, { version: result.version });
    return result;
  }

  private checkVersion(current: StoredContext | null, expectedVersion: number | undefined): void {
    if (expectedVersion === undefined) return;
    const liveVersion = current?.version ?? 0;
    if (liveVersion !== expectedVersion) {
      throw new ApiError(
        'version_conflict',
        current
          ? `The context is at version ${liveVersion} (written by ${authorLabel(current.updatedBy)}), not ${expectedVersion}. Read it again and retry.`
          : `There is no live context (it expired or was cleared), not version ${expectedVersion}. Read it again and retry.`,
        { extra: { currentVersion: liveVersion } },
      );
    }
  }

  private checkOutcome(outcome: WriteOutcome): void {
    if (!outcome.ok) {
      // Only a writer bypassing the chain lock could cause this; refuse rather than lose its value.
      throw new ApiError('version_conflict', 'The context changed during this write; read it again and retry.', {
        extra: { currentVersion: outcome.currentVersion },
      });
    }
  }

  private readStore(): Promise<ContextRead> {
    return this.storeCall(() => this.deps.store.read(this.deps.project));
  }

  private async storeCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('store_unavailable', `The context store (${this.deps.store.kind}) is unavailable; nothing was changed.`, {
        internal: error,
      });
    }
  }

  private async publish(type: string, summary: string, data: Record<string, unknown>): Promise<void> {
    const { caller } = this.deps;
    await this.deps.events
      .publish({ topic: 'context', type, summary, actor: { client: caller.client, person: caller.person, label: caller.label }, data })
      .catch(() => undefined);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function describeChanged(changed: string[]): string {
  return changed.length ? `changed ${changed.join(', ')}` : 'no field changed';
}
