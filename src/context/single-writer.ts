import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import { auditEvent, type AuditActor, type AuditEntry, type AuditInput } from '../audit/log';
import type { EventPublisher, ProjectEvent } from '../events/publisher';
import type { AppendHooks } from '../ledger/writer';
import type { Logger } from '../lib/log';
import { storeUnavailable, type ContextRead, type ContextStore, type WriteOutcome } from './store';
import {
  authorLabel,
  changedFields,
  mergeContext,
  type ContextFields,
  type ContextPatch,
  type StoredContext,
} from './snapshot';
import type {
  ContextClearRequest,
  ContextClearResult,
  ContextWriter,
  ContextWriteRequest,
  ContextWriteResult,
} from './write-types';

/** What the ledger object builds the context writes from, out of its own configuration. */
export interface ContextSingleWriterDeps {
  store: ContextStore;
  /** How long a written context lives (CONTEXT_TTL_SECONDS). */
  ttlSeconds: number;
  append(actor: AuditActor, input: AuditInput, hooks: AppendHooks): Promise<AuditEntry>;
  /** The project's hub (silent when none is bound); the hub redacts what it is told. */
  publisher(project: string): EventPublisher;
  log: Logger;
}

/**
 * Context writes, run inside the project's ledger object, which is their only writer. Each write is
 * decided here against the state the previous write left (read from the store once, then kept): the
 * version check, last write wins, the overwrite audit, the events. Its lane then commits it: the audit
 * entry joins the next group commit, and the store is written after that entry is committed, in version
 * order; writes that queue up behind a store write are sent as one (the newest: each later version was
 * built on the earlier ones), and their events go to the hub in one call once the store has them. A
 * failure of either step fails that write and every write built on it, and is reported to its caller (no
 * event is told for it); an audited write the store then refused gets a `context.write.failed` entry.
 */
export class ContextSingleWriter implements ContextWriter {
  #lanes = new Map<string, ContextLane>();

  constructor(private readonly deps: ContextSingleWriterDeps) {}

  async write(request: ContextWriteRequest): Promise<ContextWriteResult> {
    const { caller, mode, input, expectedVersion, project } = request;
    const lane = this.lane(project);
    while (!lane.state) await lane.load();
    // From here to the queued append nothing awaits: writes to one project are decided one after another.
    const state = lane.state;
    const now = new Date();
    const current = live(state, now);
    checkVersion(current, expectedVersion);
    const fields =
      mode === 'replace' ? (input as ContextFields) : mergeContext(current?.fields ?? {}, input as ContextPatch);
    const next: StoredContext = {
      fields,
      updatedBy: caller.person ? { client: caller.client, person: caller.person } : { client: caller.client },
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.ttlSeconds * 1000).toISOString(),
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
    const ttlMs = this.deps.ttlSeconds * 1000;
    const audit = await lane.commit(
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
    while (!lane.state) await lane.load();
    const state = lane.state;
    const current = live(state, new Date());
    checkVersion(current, request.expectedVersion);
    if (!current) return { cleared: false, version: null };
    const entry: AuditInput = {
      action: 'context.clear',
      target: `context:${project}`,
      summary: `${caller.label} cleared the context (was v${current.version} by ${authorLabel(current.updatedBy)})`,
      detail: { version: current.version, previousAuthor: current.updatedBy },
    };
    lane.state = { current: null, lastVersion: state.lastVersion };
    const audit = await lane.commit(
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

  private lane(project: string): ContextLane {
    let lane = this.#lanes.get(project);
    if (!lane) {
      lane = new ContextLane(this.deps, project);
      this.#lanes.set(project, lane);
    }
    return lane;
  }
}

/** How one change reaches the store: the write itself, and what is live once it landed (nothing, for a clear). */
interface StoreWrite {
  write(expectedLive: number): Promise<WriteOutcome>;
  liveAfter(): { version: number; until: number } | undefined;
}

/** A store write waiting for its turn; only the newest of those waiting is sent (last write wins). */
interface StoreRequest extends StoreWrite {
  generation: number;
  /** Told to listeners once the store has the write: its audit entry, then the change. */
  events: ProjectEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * One project's context as the ledger object last left it (pending writes included), and its queue of
 * store writes: audit entry first (group-committed), then the store in version order, then the events.
 */
class ContextLane {
  state?: ContextRead;
  #loading?: Promise<unknown>;
  /** Bumped by any failure: writes built on the state before it must not land. */
  #generation = 0;
  /** The version live in the store as far as this object knows, and until when. */
  #live?: { version: number; until: number };
  #pending: StoreRequest[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #busy = false;
  /** The last hub call; each group's events are sent after the previous group's, so listeners see version order. */
  #telling: Promise<void> = Promise.resolve();
  /** The project's hub, built once with the lane. */
  readonly #hub: EventPublisher;

  constructor(
    private readonly deps: ContextSingleWriterDeps,
    private readonly project: string,
  ) {
    this.#hub = deps.publisher(project);
  }

  /**
   * Read the state the next write builds on, once the store writes in flight are done. Callers check
   * `state` again after awaiting this, in the same synchronous step as they use it.
   */
  async load(): Promise<void> {
    if (!this.#loading) {
      const generation = this.#generation;
      this.#loading = this.#flushing
        .then(() => this.deps.store.read(this.project))
        .catch((error: unknown) => {
          throw this.storeFailure(error);
        })
        .then((read) => {
          if (this.#generation !== generation || this.state) return;
          this.state = read;
          this.#live = read.current
            ? { version: read.current.version, until: Date.parse(read.current.expiresAt) }
            : undefined;
        })
        .finally(() => {
          this.#loading = undefined;
        });
    }
    await this.#loading;
  }

  /**
   * Audit entry first (group-committed), then the store, after every earlier write of this project; then the
   * events `tell` builds from the committed entry, before this write is answered.
   */
  async commit(
    request: { caller: Caller; requestId: string },
    entry: AuditInput,
    version: number,
    store: StoreWrite,
    tell: (committed: AuditEntry) => ProjectEvent[],
  ): Promise<AuditEntry> {
    const generation = this.#generation;
    const invalidate = () => {
      if (this.#generation !== generation) return;
      this.#generation++;
      this.state = undefined;
    };
    const actor = { caller: request.caller, requestId: request.requestId };
    const audited = this.deps.append(actor, entry, {
      stillValid: () => this.#generation === generation,
      failed: invalidate,
    });
    try {
      const committed = await audited;
      await new Promise<void>((resolve, reject) => {
        this.#pending.push({ ...store, generation, events: tell(committed), resolve, reject });
        if (!this.#busy) this.#flushing = this.flush();
      });
      return committed;
    } catch (error) {
      invalidate();
      const committed = await audited.catch(() => undefined);
      if (committed) await this.recordFailure(actor, request.caller.label, committed, version, error);
      throw error;
    }
  }

  /**
   * Send queued store writes, newest first and alone; the older ones it carries succeed or fail with it. Once
   * the store has them, their events go to the hub in one call (in turn with earlier groups), then they are answered.
   */
  private async flush(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#pending.length) {
        const waiting = this.#pending.splice(0);
        const current = waiting.filter((r) => r.generation === this.#generation);
        for (const r of waiting) {
          if (r.generation !== this.#generation)
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
          checkOutcome(await newest.write(this.expectedLive()));
          this.#live = newest.liveAfter();
        } catch (error) {
          const failure = this.storeFailure(error);
          for (const r of current) r.reject(failure);
          continue;
        }
        this.#telling = this.#telling
          .then(() => this.tell(current))
          .catch((error: unknown) => this.deps.log.warn('context events not told', { error: String(error) }))
          .then(() => {
            for (const r of current) r.resolve();
          });
      }
    } finally {
      this.#busy = false;
    }
  }

  /** One hub call for a group's events; the publisher logs and swallows a hub failure (the change stands). */
  private async tell(group: StoreRequest[]): Promise<void> {
    const events = group.flatMap((r) => r.events);
    if (events.length) await this.#hub.publish(...events);
  }

  /** The audit log already says this write happened; say that the store did not take it. */
  private async recordFailure(
    actor: AuditActor,
    label: string,
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
          target: `context:${this.project}`,
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

  private expectedLive(): number {
    return this.#live && Date.now() < this.#live.until ? this.#live.version : 0;
  }

  private storeFailure(error: unknown): ApiError {
    return storeUnavailable(
      `context store (${this.deps.store.kind})`,
      'a context write whose answer was lost may or may not have been stored: read the context back before retrying',
      error,
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
