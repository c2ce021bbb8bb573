import { bigint, bigserial, index, integer, pgTable, primaryKey, real, text, char } from 'drizzle-orm/pg-core';
import { instant } from '../columns';

/** The last recorded state of each layer, per project: what the uptime cron compares against. */
export const layerState = pgTable(
  'layer_state',
  {
    project: text('project').notNull(),
    layer: text('layer').notNull(),
    state: text('state').notNull(),
    reason: text('reason').notNull(),
    latencyMs: real('latency_ms').notNull(),
    changedAt: instant('changed_at').notNull(),
    checkedAt: instant('checked_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.layer] })],
);

/** Every change of a layer's state (the first observation included), newest last. */
export const layerTransition = pgTable(
  'layer_transition',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    project: text('project').notNull(),
    layer: text('layer').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    reason: text('reason').notNull(),
    latencyMs: real('latency_ms').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [
    index('layer_transition_project_idx').on(t.project, t.id),
    index('layer_transition_layer_idx').on(t.project, t.layer, t.id),
  ],
);

/**
 * Where the audit chain was cut by rotation: the last archived entry's seq and hash,
 * so verification of what remains starts from a known link.
 */
export const auditCheckpoint = pgTable('audit_checkpoint', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  firstSeq: bigint('first_seq', { mode: 'number' }).notNull(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().unique(),
  lastHash: char('last_hash', { length: 64 }).notNull(),
  entries: integer('entries').notNull(),
  archiveKey: text('archive_key').notNull(),
  at: instant('at').notNull(),
});

export type LayerTransitionRow = typeof layerTransition.$inferSelect;
export type AuditCheckpointRow = typeof auditCheckpoint.$inferSelect;
