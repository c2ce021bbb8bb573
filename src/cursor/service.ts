import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { EventPublisher } from '../events/publisher';
import { redactValue, type RedactionTally } from '../redaction/redact';
import { authorLabel } from '../context/snapshot';
import type { CursorSessionStore } from './store';
import { storeCall } from '../context/store';
import { describeSession, diffStat, sessionKey, type StoredCursorSession } from './session';

/** What a client sends: the session's own fields, its clock as `timestamp`, and optionally who it is editing as. */
export type CursorSessionInput = Pick<
  StoredCursorSession,
  'workspace' | 'branch' | 'head' | 'file' | 'diff' | 'diffTruncated' | 'selection'
> & {
  /** The client's own clock when it took the snapshot (ISO). */
  timestamp: string;
  user?: string;
};

export type RecordResult =
  | {
      applied: true;
      session: StoredCursorSession;
      overwrote?: { client: string; person?: string; version: number; receivedAt: string };
    }
  | { applied: false; reason: 'stale'; session: StoredCursorSession };

export interface CursorSessionServiceDeps {
  project: string;
  ttlSeconds: number;
  maxClockSkewMs: number;
  store: CursorSessionStore;
  audit: AuditLog;
  events: EventPublisher;
  caller: Caller;
  /** Where this request's redactions are counted (for the metrics). */
  redactions?: RedactionTally;
  now?: () => Date;
}

/** The snapshot's timestamp is further ahead of the service clock than the allowed skew. */
export class ClientClockAhead extends Error {
  override name = 'ClientClockAhead';
}

/** Another write reached the session between this write's read and its store write (nothing was kept). */
export class SessionChanged extends Error {
  override name = 'SessionChanged';
  constructor(readonly currentVersion: number) {
    super('The session changed during this write; send it again.');
  }
}

/**
 * Live editor sessions: one per user and workspace, applied in the order they
 * arrive, except that a snapshot older (by the client's clock) than the live one never replaces it.
 */
export class CursorSessionService {
  constructor(private readonly deps: CursorSessionServiceDeps) {}

  async record(sent: CursorSessionInput): Promise<RecordResult> {
    const { store, audit, caller, project } = this.deps;
    // Diffs and selections are code: secrets in them are replaced before anything is stored, audited or published.
    const { value: input, counts: redactions, total: redacted } = redactValue(sent);
    this.deps.redactions?.add(redactions);
    const now = this.deps.now?.() ?? new Date();
    const clientTime = Date.parse(input.timestamp);
    if (clientTime > now.getTime() + this.deps.maxClockSkewMs) {
      throw new ClientClockAhead(
        `timestamp ${input.timestamp} is more than ${this.deps.maxClockSkewMs / 60_000} minutes ahead of the service clock (${now.toISOString()}); check the client's clock.`,
      );
    }
    const user = input.user ?? caller.person ?? caller.client;
    const key = sessionKey(user, input.workspace);
    const target = `cursor:${project}:${key}`;

    const result = await audit.transact(async (scope): Promise<RecordResult> => {
      // Chain lock held: no other audited writer interleaves between this read and the write.
      const current = await this.storeCall(() => store.read(project, key));
      if (current && clientTime < Date.parse(current.clientTimestamp)) {
        return { applied: false, reason: 'stale', session: current };
      }
      const next: StoredCursorSession = {
        user,
        workspace: input.workspace,
        branch: input.branch,
        ...(input.head ? { head: input.head } : {}),
        ...(input.file ? { file: input.file } : {}),
        ...(input.diff ? { diff: input.diff } : {}),
        ...(input.diffTruncated ? { diffTruncated: true } : {}),
        ...(input.selection ? { selection: input.selection } : {}),
        clientTimestamp: new Date(clientTime).toISOString(),
        receivedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.deps.ttlSeconds * 1000).toISOString(),
        updatedBy: caller.person ? { client: caller.client, person: caller.person } : { client: caller.client },
        version: (current?.version ?? 0) + 1,
      };
      const overwrote =
        current && authorLabel(current.updatedBy) !== caller.label
          ? { ...current.updatedBy, version: current.version, receivedAt: current.receivedAt }
          : undefined;
      await scope.append({
        action: overwrote ? 'cursor.session.overwrite' : 'cursor.session.update',
        target,
        summary: overwrote
          ? `${caller.label} replaced ${authorLabel(overwrote)}'s cursor session: ${describeSession(next)}`
          : `${caller.label} synced: ${describeSession(next)}`,
        // Where, not what: the diff and selected text stay out of the audit log.
        detail: {
          user,
          workspace: input.workspace,
          branch: input.branch,
          file: input.file ?? null,
          version: next.version,
          diffStat: diffStat(input.diff),
          ...(overwrote ? { overwrote } : {}),
          ...(redacted ? { redactions } : {}),
        },
      });
      const outcome = await this.storeCall(() =>
        store.write(project, key, next, current?.version ?? 0, this.deps.ttlSeconds * 1000),
      );
      if (!outcome.ok) throw new SessionChanged(outcome.currentVersion);
      return overwrote ? { applied: true, session: next, overwrote } : { applied: true, session: next };
    });

    if (result.applied) {
      const { session } = result;
      await this.deps.events
        .publish({
          topic: 'cursor',
          type: 'cursor.session.updated',
          summary: describeSession(session),
          actor: { client: caller.client, person: caller.person, label: caller.label },
          data: {
            user: session.user,
            workspace: session.workspace,
            branch: session.branch,
            head: session.head ?? null,
            file: session.file ?? null,
            selection: session.selection
              ? { startLine: session.selection.startLine, endLine: session.selection.endLine }
              : null,
            diffStat: diffStat(session.diff),
            clientTimestamp: session.clientTimestamp,
            version: session.version,
          },
        })
        .catch(() => undefined);
    }
    return result;
  }

  list(): Promise<StoredCursorSession[]> {
    return this.storeCall(() => this.deps.store.list(this.deps.project));
  }

  private storeCall<T>(call: () => Promise<T>): Promise<T> {
    return storeCall(
      `session store (${this.deps.store.kind})`,
      'nothing was audited, and a session write whose answer was lost may or may not have been stored',
      call,
    );
  }
}
