import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import type { AuditActor, AuditEntry, AuditInput } from '../audit/log';
import type { EventPublisher, ProjectEvent } from '../events/publisher';
import type { AppendHooks } from '../ledger/writer';
import type { Logger } from '../lib/log';
import { storeCall, type ContextRead, type ContextStore, type WriteOutcome } from './store';

export interface ContextSingleWriterDeps {
  store: ContextStore;
  append(actor: AuditActor, input: AuditInput, hooks: AppendHooks): Promise<AuditEntry>;
  /** The project's hub (silent when none is bound), behind the secret scanner. */
  publisher(project: string): EventPublisher;
  log: Logger;
}

/** How one change reaches the store: the write itself, and what is live once it landed (nothing, for a clear). */
export interface StoreWrite {
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
export class ContextLane {
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

  constructor(
    private readonly deps: ContextSingleWriterDeps,
    private readonly project: string,
  ) {}

  /**
   * Read the state the next write builds on, once the store writes in flight are done. Callers check
   * `state` again after awaiting this, in the same synchronous step as they use it.
   */
  async load(): Promise<void> {
    if (!this.#loading) {
      const generation = this.#generation;
      this.#loading = this.#flushing
        .then(() => this.storeCall(() => this.deps.store.read(this.project)))
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
          checkOutcome(await this.storeCall(() => newest.write(this.expectedLive())));
          this.#live = newest.liveAfter();
        } catch (error) {
          for (const r of current) r.reject(error);
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
    if (events.length) await this.deps.publisher(this.project).publish(...events);
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

  private storeCall<T>(call: () => Promise<T>): Promise<T> {
    return storeCall(
      `context store (${this.deps.store.kind})`,
      'a context write whose answer was lost may or may not have been stored: read the context back before retrying',
      call,
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
