import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { LedgerPool } from '../db/pool';
import type { EventPublisher } from '../events/publisher';
import type { Logger } from '../lib/log';
import { layerState, layerTransition, type LayerTransitionRow } from '../db/schema';
import type { ServiceStatus } from './check';
import type { LayerState } from './layer';
import type { Transition } from './transition';
import { clip } from '../lib/clip';

export type { Transition } from './transition';

export function toTransition(row: LayerTransitionRow): Transition {
  return {
    id: row.id,
    layer: row.layer,
    from: row.fromState as LayerState | null,
    to: row.toState as LayerState,
    reason: row.reason,
    latencyMs: row.latencyMs,
    at: row.at.toISOString(),
  };
}

/** What recording an uptime check uses: the project, its audit log acting for the caller, the live events. */
export interface UptimeRecording {
  project: string;
  audit: AuditLog;
  events: EventPublisher;
  log: Logger;
}

/**
 * Record one uptime check (every layer probed: `checkStatus`): each layer's state, and for each
 * change of state a transition and an audit entry in one transaction, then tell live listeners
 * (topic `health`). Returns the changes.
 */
export async function recordUptime(
  { project, audit, events, log }: UptimeRecording,
  caller: Caller,
  status: ServiceStatus,
): Promise<Transition[]> {
  const now = new Date();
  const transitions = await audit.transact(async (scope) => {
    const tx = scope.tx;
    const previous = new Map(
      (await tx.select().from(layerState).where(eq(layerState.project, project))).map((row) => [row.layer, row]),
    );
    const changed: Transition[] = [];
    for (const report of status.layers) {
      const before = previous.get(report.layer);
      const reason = clip(report.reason, 300);
      if (before && before.state === report.state) {
        await tx
          .update(layerState)
          .set({ reason, latencyMs: report.latencyMs, checkedAt: now })
          .where(and(eq(layerState.project, project), eq(layerState.layer, report.layer)));
        continue;
      }
      await tx
        .insert(layerState)
        .values({
          project,
          layer: report.layer,
          state: report.state,
          reason,
          latencyMs: report.latencyMs,
          changedAt: now,
          checkedAt: now,
        })
        .onConflictDoUpdate({
          target: [layerState.project, layerState.layer],
          set: { state: report.state, reason, latencyMs: report.latencyMs, changedAt: now, checkedAt: now },
        });
      const [row] = await tx
        .insert(layerTransition)
        .values({
          project,
          layer: report.layer,
          fromState: before?.state ?? null,
          toState: report.state,
          reason,
          latencyMs: report.latencyMs,
          at: now,
        })
        .returning();
      const transition = toTransition(row!);
      await scope.append({
        action: 'health.change',
        target: `layer:${project}:${report.layer}`,
        summary: `${report.layer} ${before ? `went ${before.state} -> ${report.state}` : `first seen ${report.state}`}: ${reason}`,
        detail: {
          layer: report.layer,
          from: transition.from,
          to: transition.to,
          latencyMs: report.latencyMs,
          transitionId: transition.id,
        },
      });
      changed.push(transition);
    }
    return changed;
  });
  for (const t of transitions) {
    await events
      .publish({
        topic: 'health',
        type: 'health.changed',
        summary: `${t.layer} is now ${t.to}${t.from ? ` (was ${t.from})` : ''}: ${t.reason}`,
        actor: { client: caller.client, person: caller.person, label: caller.label },
        data: { ...t },
      })
      .catch((error) => log.warn('health event not delivered', { error: String(error) }));
  }
  return transitions;
}

/** A project's layer transitions, newest first (`before`: an id, for the next page). */
export async function listTransitions(
  { ledgerPool: ledger, project }: { ledgerPool: LedgerPool; project: string },
  query: { layer?: string; before?: number; limit: number },
): Promise<{ transitions: Transition[]; hasMore: boolean }> {
  return ledger.use(async (db) => {
    const where: SQL[] = [eq(layerTransition.project, project)];
    if (query.layer) where.push(eq(layerTransition.layer, query.layer));
    if (query.before !== undefined) where.push(lt(layerTransition.id, query.before));
    const rows = await db
      .select()
      .from(layerTransition)
      .where(and(...where))
      .orderBy(desc(layerTransition.id))
      .limit(query.limit + 1);
    return { transitions: rows.slice(0, query.limit).map(toTransition), hasMore: rows.length > query.limit };
  });
}
