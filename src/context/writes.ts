import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import { auditEvent, type AuditEntry, type AuditInput, type AuditActor } from '../audit/log';
import type { EventPublisher, ProjectEvent } from '../events/publisher';
import type { EventRetention } from '../events/wire';
import type { AppendHooks } from '../ledger/writer';
import type { Logger } from '../lib/log';
import type { RedactionCounts } from '../redaction/redact';
import { storeCall, type ContextRead, type ContextStore, type WriteOutcome } from './store';
import {
  authorLabel,
  changedFields,
  mergeContext,
  type ContextFields,
  type ContextPatch,
  type StoredContext,
} from './snapshot';

export type WriteMode = 'replace' | 'merge';

export interface ContextWriteRequest {
  project: string;
  ttlSeconds: number;
  caller: Caller;
  requestId: string;
  mode: WriteMode;
  input: ContextFields | ContextPatch;
  expectedVersion?: number;
  /** Secrets the service replaced in `input` before it got here, counted per kind (never the values). */
  redactions?: RedactionCounts;
  /** How the project's event hub keeps events; absent when no hub is bound (nobody is told). */
  events?: EventRetention;
}

export interface ContextClearRequest {
  project: string;
  caller: Caller;
  requestId: string;
  expectedVersion?: number;
  events?: EventRetention;
}

export interface ContextWriteResult {
  context: StoredContext;
  changed: string[];
  /** Set when this write replaced a value another identity wrote. */
  overwrote?: { client: string; person?: string; version: number; updatedAt: string };
  /** The audit entry that records it. */
  audit: AuditEntry;
}

export interface ContextClearResult {
  cleared: boolean;
  version: number | null;
  audit?: AuditEntry;
}

/** The port the Worker's ContextService writes through: the project's ledger object. */
export interface ContextWriter {
  write(request: ContextWriteRequest): Promise<ContextWriteResult>;
  clear(request: ContextClearRequest): Promise<ContextClearResult>;
}

export interface ContextWritesDeps {
  store: ContextStore;
  append(actor: AuditActor, input: AuditInput, hooks: AppendHooks): Promise<AuditEntry>;
  /** The project's hub, for writes that name one. */
  publisher(project: string, retention: EventRetention): EventPublisher;
  log: Logger;
  now?: () => Date;
}

/** A store write waiting for its turn; only the newest of those waiting is sent (last write wins). */
interface StoreRequest {
  generation: number;
  /** Told to listeners once the store has the write: its audit entry, then the change. */
  events: ProjectEvent[];
  retention?: EventRetention;
  write(expectedLive: number): Promise<WriteOutcome>;
  /** What is live in the store once it is written (nothing, for a clear). */
  liveAfter(): { version: number; until: number } | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

/** One project's context as this object last left it (pending writes included), and its store writes. */
class Lane {
  state?: ContextRead;
  loading?: Promise<unknown>;
  /** Bumped by any failure: writes built on the state before it must not land. */
  generation = 0;
  /** The version live in the store as far as this object knows, and until when. */
  live?: { version: number; until: number };
  pending: StoreRequest[] = [];
  flushing: Promise<void> = Promise.resolve();
  busy = false;
  /** The last hub call; each group's events are sent after the previous group's, so listeners see version order. */
  telling: Promise<void> = Promise.resolve();

  invalidator(generation: number): () => void {
    return () => {
      if (this.generation !== generation) return;
      this.generation++;
      this.state = undefined;
    };
  }

  expectedLive(): number {
    return this.live && Date.now() < this.live.until ? this.live.version : 0;
  }
}

/**
 * Context writes, run inside the project's ledger object, which is their only writer. Each write is
 * decided against the state the previous write left (read from the store once, then kept), its audit
 * entry joins the next group commit, and the store is written after that entry is committed, in
 * version order; writes that queue up behind a store write are sent as one (the newest: each later
 * version was built on the earlier ones), and their events go to the hub in one call once the store has them.
 * A failure of either step fails that write and every write built on it, and is reported to its caller (no event
 * is told for it); an audited write the store then refused gets a `context.write.failed` entry.
 */
export class ContextWrites implements ContextWriter {
  #lanes = new Map<string, Lane>();

  constructor(private readonly deps: ContextWritesDeps) {}

  async write(request: ContextWriteRequest): Promise<ContextWriteResult> {
    const { caller, mode, input, expectedVersion, project } = request;
    const lane = this.lane(project);
    while (!lane.state) await this.load(lane, project);
    // From here to the queued append nothing awaits: writes to one project are decided one after another.
    const state = lane.state;
    const now = this.now();
    const current = live(state, now);
    checkVersion(current, expectedVersion);
    const fields =
      mode === 'replace' ? (input as ContextFields) : mergeContext(current?.fields ?? {}, input as ContextPatch);
    const next: StoredContext = {
      fields,
      updatedBy: caller.person ? { client: caller.client, person: caller.person } : { client: caller.client },
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + request.ttlSeconds * 1000).toISOString(),
      version: state.lastVersion + 1,
    };
    const changed = changedFields(current?.fields, fields);
    const overwrote =
      current && authorLabel(current.updatedBy) !== caller.label
        ? { ...current.updatedBy, version: current.version, updatedAt: current.updatedAt }
        : undefined;
    const entry: AuditInput = {
      action: overwrote ? 'context.overwrite' : mode === 'replace' ? 'context.replace' : 'context.merge',
      target: `context:${project}`,
      summary: overwrote
        ? `${caller.label} overwrote ${authorLabel(overwrote)}'s context (v${overwrote.version} -> v${next.version}): ${describeChanged(changed)}`
        : `${caller.label} ${mode === 'replace' ? 'replaced' : 'updated'} the context (v${next.version}): ${describeChanged(changed)}`,
      // Field names only: values may hold anything and the audit log must never carry secrets.
      detail: {
        mode,
        version: next.version,
        changedFields: changed,
        ...(overwrote ? { overwrote } : {}),
        ...(request.redactions && Object.keys(request.redactions).length ? { redactions: request.redactions } : {}),
      },
    };
    lane.state = { current: next, lastVersion: next.version };
    const ttlMs = request.ttlSeconds * 1000;
    const audit = await this.commit(
      lane,
      request,
      entry,
      next.version,
      {
        write: (expectedLive) => this.deps.store.write(project, next, expectedLive, ttlMs),
        liveAfter: () => ({ version: next.version, until: Date.now() + ttlMs }),
      },
      (committed) => [
        auditEvent(committed),
        contextEvent(
          caller,
          'context.updated',
          `${caller.label} ${mode === 'replace' ? 'replaced' : 'updated'} the context: ${describeChanged(changed)}`,
          { version: next.version, changedFields: changed, context: next.fields },
        ),
      ],
    );
    return { context: next, changed, overwrote, audit };
  }

  async clear(request: ContextClearRequest): Promise<ContextClearResult> {
    const { caller, project } = request;
    const lane = this.lane(project);
    while (!lane.state) await this.load(lane, project);
    const state = lane.state;
    const current = live(state, this.now());
    checkVersion(current, request.expectedVersion);
    if (!current) return { cleared: false, version: null };
    const entry: AuditInput = {
      action: 'context.clear',
      target: `context:${project}`,
      summary: `${caller.label} cleared the context (was v${current.version} by ${authorLabel(current.updatedBy)})`,
      detail: { version: current.version, previousAuthor: current.updatedBy },
    };
    lane.state = { current: null, lastVersion: state.lastVersion };
    const audit = await this.commit(
      lane,
      request,
      entry,
      current.version,
      { write: (expectedLive) => this.deps.store.clear(project, expectedLive), liveAfter: () => undefined },
      (committed) => [
        auditEvent(committed),
        contextEvent(caller, 'context.cleared', `${caller.label} cleared the context`, { version: current.version }),
      ],
    );
    return { cleared: true, version: current.version, audit };
  }

  /**
   * Audit entry first (group-committed), then the store, after every earlier write of this project; then the
   * events `tell` builds from the committed entry, before this write is answered.
   */
  private async commit(
    lane: Lane,
    request: { caller: Caller; requestId: string; project: string; events?: EventRetention },
    entry: AuditInput,
    version: number,
    store: Pick<StoreRequest, 'write' | 'liveAfter'>,
    tell: (committed: AuditEntry) => ProjectEvent[],
  ): Promise<AuditEntry> {
    const generation = lane.generation;
    const invalidate = lane.invalidator(generation);
    const actor = { caller: request.caller, requestId: request.requestId };
    const label = request.caller.label;
    const audited = this.deps.append(actor, entry, {
      stillValid: () => lane.generation === generation,
      failed: invalidate,
    });
    try {
      const committed = await audited;
      await new Promise<void>((resolve, reject) => {
        const events = request.events ? tell(committed) : [];
        lane.pending.push({ ...store, generation, events, retention: request.events, resolve, reject });
        if (!lane.busy) lane.flushing = this.flush(lane, request.project);
      });
      return committed;
    } catch (error) {
      invalidate();
      const committed = await audited.catch(() => undefined);
      if (committed) await this.recordFailure(actor, label, request.project, committed, version, error);
      throw error;
    }
  }

  /**
   * Send queued store writes, newest first and alone; the older ones it carries succeed or fail with it. Once
   * the store has them, their events go to the hub in one call (in turn with earlier groups), then they are answered.
   */
  private async flush(lane: Lane, project: string): Promise<void> {
    lane.busy = true;
    try {
      while (lane.pending.length) {
        const waiting = lane.pending.splice(0);
        const current = waiting.filter((r) => r.generation === lane.generation);
        for (const r of waiting) {
          if (r.generation !== lane.generation)
            r.reject(
              new ApiError(
                'version_conflict',
                'An earlier context write failed before this one reached the store; read the context again and retry.',
              ),
            );
        }
        const newest = current.at(-1);
        if (!newest) continue;
        try {
          checkOutcome(await this.storeCall(() => newest.write(lane.expectedLive())));
          lane.live = newest.liveAfter();
        } catch (error) {
          for (const r of current) r.reject(error);
          continue;
        }
        lane.telling = lane.telling
          .then(() => this.tell(project, current))
          .catch((error: unknown) => this.deps.log.warn('context events not told', { error: String(error) }))
          .then(() => {
            for (const r of current) r.resolve();
          });
      }
    } finally {
      lane.busy = false;
    }
  }

  /** One hub call for a group's events; the publisher logs and swallows a hub failure (the change stands). */
  private async tell(project: string, group: StoreRequest[]): Promise<void> {
    const retention = group.find((r) => r.retention)?.retention;
    const events = group.flatMap((r) => r.events);
    if (retention && events.length) await this.deps.publisher(project, retention).publish(...events);
  }

  /** The audit log already says this write happened; say that the store did not take it. */
  private async recordFailure(
    actor: AuditActor,
    label: string,
    project: string,
    committed: AuditEntry,
    version: number,
    error: unknown,
  ): Promise<void> {
    const reason = error instanceof ApiError ? error.code : 'internal';
    await this.deps
      .append(
        actor,
        {
          action: 'context.write.failed',
          target: `context:${project}`,
          summary: `${label}'s context change v${version} (audit seq ${committed.seq}) did not reach the store (${reason}); the context is unchanged by it`,
          detail: { version, auditSeq: committed.seq, reason },
        },
        {},
      )
      .catch((failure: unknown) =>
        this.deps.log.error('context write failure could not be audited', {
          auditSeq: committed.seq,
          error: String(failure),
        }),
      );
  }

  private lane(project: string): Lane {
    let lane = this.#lanes.get(project);
    if (!lane) {
      lane = new Lane();
      this.#lanes.set(project, lane);
    }
    return lane;
  }

  /**
   * Read the state the next write builds on, once the store writes in flight are done. Callers check
   * `lane.state` again after awaiting this, in the same synchronous step as they use it.
   */
  private async load(lane: Lane, project: string): Promise<void> {
    if (!lane.loading) {
      const generation = lane.generation;
      lane.loading = lane.flushing
        .then(() => this.storeCall(() => this.deps.store.read(project)))
        .then((read) => {
          if (lane.generation !== generation || lane.state) return;
          lane.state = read;
          lane.live = read.current
            ? { version: read.current.version, until: Date.parse(read.current.expiresAt) }
            : undefined;
        })
        .finally(() => {
          lane.loading = undefined;
        });
    }
    await lane.loading;
  }

  private storeCall<T>(call: () => Promise<T>): Promise<T> {
    return storeCall(`context store (${this.deps.store.kind})`, 'the context was not changed', call);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function live(state: ContextRead, now: Date): StoredContext | null {
  const current = state.current;
  return current && Date.parse(current.expiresAt) > now.getTime() ? current : null;
}

function checkVersion(current: StoredContext | null, expectedVersion: number | undefined): void {
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

function checkOutcome(outcome: WriteOutcome): void {
  if (!outcome.ok) {
    // Only a writer outside this object could cause this; refuse rather than lose its value.
    throw new ApiError('version_conflict', 'The context changed during this write; read it again and retry.', {
      extra: { currentVersion: outcome.currentVersion },
    });
  }
}

/** A change to the shared context, as listeners on the `context` topic see it. */
function contextEvent(caller: Caller, type: string, summary: string, data: Record<string, unknown>): ProjectEvent {
  return {
    topic: 'context',
    type,
    summary,
    actor: { client: caller.client, person: caller.person, label: caller.label },
    data,
  };
}

export function describeChanged(changed: string[]): string {
  return changed.length ? `changed ${changed.join(', ')}` : 'no field changed';
}
