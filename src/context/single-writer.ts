import { ApiError } from '../errors';
import type { Caller } from '../auth/keys';
import { auditEvent, type AuditInput } from '../audit/log';
import type { ProjectEvent } from '../events/publisher';
import type { ContextRead } from './store';
import {
  authorLabel,
  changedFields,
  mergeContext,
  type ContextFields,
  type ContextPatch,
  type StoredContext,
} from './snapshot';
import { ContextLane, type ContextSingleWriterDeps } from './write-lane';
import type {
  ContextClearRequest,
  ContextClearResult,
  ContextWriter,
  ContextWriteRequest,
  ContextWriteResult,
} from './write-types';

export type { ContextSingleWriterDeps } from './write-lane';

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
