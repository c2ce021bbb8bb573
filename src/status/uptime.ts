import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Caller } from '../auth/keys';
import type { Services } from '../services';
import { layerState, layerTransition, type LayerTransitionRow } from '../db/schema';
import { checkStatus, type ServiceStatus } from './check';
import type { LayerState } from './layer';
import type { Transition } from './transition';

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

/**
 * One uptime check: probe every layer, record each layer's state, and for each
 * change of state write a transition and an audit entry in one transaction,
 * then tell live listeners (topic `health`).
 */
export async function recordUptime(
  services: Services,
  caller: Caller,
): Promise<{ status: ServiceStatus; transitions: Transition[] }> {
  const status = await checkStatus(services);
  const project = services.config.projectId;
  const now = new Date();
  const transitions = await services.audit(caller).transact(async (scope) => {
    const tx = scope.tx;
    const previous = new Map(
      (await tx.select().from(layerState).where(eq(layerState.project, project))).map((row) => [row.layer, row]),
    );
    const changed: Transition[] = [];
    for (const report of status.layers) {
      const before = previous.get(report.layer);
      const reason = report.reason.slice(0, 300);
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
    await services.events
      .publish({
        topic: 'health',
        type: 'health.changed',
        summary: `${t.layer} is now ${t.to}${t.from ? ` (was ${t.from})` : ''}: ${t.reason}`,
        actor: { client: caller.client, person: caller.person, label: caller.label },
        data: { ...t },
      })
      .catch((error) => services.log.warn('health event not delivered', { error: String(error) }));
  }
  return { status, transitions };
}

export async function listTransitions(
  services: Services,
  query: { layer?: string; before?: number; limit: number },
): Promise<{ transitions: Transition[]; hasMore: boolean }> {
  return services.ledger.use(async (db) => {
    const where: SQL[] = [eq(layerTransition.project, services.config.projectId)];
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
