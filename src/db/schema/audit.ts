import { bigint, char, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from '../columns';

/**
 * The audit timeline. Append-only: `seq` is assigned under a lock so the chain
 * has no gaps, and `hash` covers the canonical encoding of the row plus `prev_hash`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull(),
    actorClient: text('actor_client').notNull(),
    actorPerson: text('actor_person'),
    action: text('action').notNull(),
    target: text('target').notNull(),
    summary: text('summary').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id').notNull(),
    prevHash: char('prev_hash', { length: 64 }).notNull(),
    hash: char('hash', { length: 64 }).notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorClient, t.seq),
    index('audit_log_action_idx').on(t.action, t.seq),
    index('audit_log_target_idx').on(t.target, t.seq),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
