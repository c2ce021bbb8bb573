import { asc, desc, gte, lte } from 'drizzle-orm';
import { ApiError } from '../errors';
import { auditCheckpoint, auditLog, type AuditRow } from '../db/schema';
import { parseMaintenanceConfig } from './config';
import type { Caller } from '../auth/keys';
import type { AuditLog } from '../audit/log';
import type { MaintenanceContext, MaintenanceOutcome } from './job';

/** What rotation uses: the configuration, the archive bucket when bound, and the audit log. */
export interface AuditRotationAccess {
  config: { vars: Record<string, unknown> };
  archive?: R2Bucket;
  audit(caller: Caller): AuditLog;
}

/** Bounded work per run; the weekly cron (or another manual run) continues where this one stopped. */
const MAX_BATCHES_PER_RUN = 20;

/** An archived entry: exactly the fields the chain hash covers, plus the hash, so the archive verifies offline. */
export function archivedLine(row: AuditRow): string {
  return JSON.stringify({
    seq: row.seq,
    at: row.at.toISOString(),
    actorClient: row.actorClient,
    actorPerson: row.actorPerson,
    action: row.action,
    target: row.target,
    summary: row.summary,
    detail: row.detail,
    requestId: row.requestId,
    prevHash: row.prevHash,
    hash: row.hash,
  });
}

export function archiveKey(firstSeq: number, lastSeq: number): string {
  const pad = (n: number) => String(n).padStart(12, '0');
  return `audit/${pad(firstSeq)}-${pad(lastSeq)}.ndjson`;
}

/**
 * Weekly audit rotation: entries older than the retention age are written to R2
 * as NDJSON, a checkpoint records the last archived entry's seq and hash (where
 * verification of the remaining chain starts), then the entries are deleted.
 * Each batch is one transaction holding the chain lock; the R2 key is fixed by
 * the seq range, so a retried batch overwrites the same object (idempotent).
 * The newest entry always stays, so the chain has something to continue from.
 */
export async function rotateAudit({
  services,
  caller,
}: MaintenanceContext<AuditRotationAccess>): Promise<MaintenanceOutcome> {
  const { auditRetentionDays, auditRotationBatch } = parseMaintenanceConfig(services.config.vars);
  const archive = services.archive;
  if (!archive) throw new ApiError('not_configured', 'Audit rotation needs an R2 bucket bound as ARCHIVE.');
  const cutoff = new Date(Date.now() - auditRetentionDays * 86_400_000);
  const batches: { firstSeq: number; lastSeq: number; entries: number; key: string }[] = [];

  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const batch = await services.audit(caller).transact(async ({ tx }) => {
      const [newest] = await tx.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
      if (!newest) return null;
      // Cut on a prefix only: stop before the first entry young enough to keep.
      const [firstKept] = await tx
        .select({ seq: auditLog.seq })
        .from(auditLog)
        .where(gte(auditLog.at, cutoff))
        .orderBy(asc(auditLog.seq))
        .limit(1);
      const through = Math.min(newest.seq - 1, firstKept ? firstKept.seq - 1 : newest.seq - 1);
      const rows = await tx
        .select()
        .from(auditLog)
        .where(lte(auditLog.seq, through))
        .orderBy(asc(auditLog.seq))
        .limit(auditRotationBatch);
      if (!rows.length) return null;
      const first = rows[0]!;
      const last = rows.at(-1)!;
      const key = archiveKey(first.seq, last.seq);
      await archive.put(key, rows.map(archivedLine).join('\n') + '\n', {
        httpMetadata: { contentType: 'application/x-ndjson' },
        customMetadata: { firstSeq: String(first.seq), lastSeq: String(last.seq), lastHash: last.hash },
      });
      await tx
        .insert(auditCheckpoint)
        .values({
          firstSeq: first.seq,
          lastSeq: last.seq,
          lastHash: last.hash,
          entries: rows.length,
          archiveKey: key,
          at: new Date(),
        })
        .onConflictDoNothing();
      await tx.delete(auditLog).where(lte(auditLog.seq, last.seq));
      return { firstSeq: first.seq, lastSeq: last.seq, entries: rows.length, key };
    });
    if (!batch) break;
    batches.push(batch);
    if (batch.entries < auditRotationBatch) break;
  }

  const archived = batches.reduce((sum, b) => sum + b.entries, 0);
  const summary = archived
    ? `Archived ${archived} audit entries older than ${auditRetentionDays} days (seq ${batches[0]!.firstSeq}-${batches.at(-1)!.lastSeq}) to R2 in ${batches.length} object(s)`
    : `No audit entries older than ${auditRetentionDays} days to archive`;
  const details = {
    archived,
    retentionDays: auditRetentionDays,
    cutoff: cutoff.toISOString(),
    objects: batches.map((b) => b.key),
    archivedThroughSeq: batches.at(-1)?.lastSeq ?? null,
  };
  await services
    .audit(caller)
    .record({ action: 'maintenance.audit-rotation', target: 'maintenance:audit-rotation', summary, detail: details });
  return { summary, details, audited: true };
}

/**
 * Cross-check the checkpoint verification starts from against the archive object
 * it names: a forged checkpoint (to hide removed entries) would also need the R2
 * object rewritten. Returns why it does not match, or undefined.
 */
export async function checkArchiveCheckpoint(
  archive: R2Bucket | undefined,
  checkpoint: { seq: number; hash: string; archiveKey: string },
): Promise<string | undefined> {
  if (!archive) return undefined;
  const head = await archive.head(checkpoint.archiveKey);
  if (!head) return `the archive object ${checkpoint.archiveKey} named by the checkpoint is missing`;
  const meta = head.customMetadata ?? {};
  if (meta.lastSeq !== String(checkpoint.seq) || meta.lastHash !== checkpoint.hash) {
    return `the checkpoint does not match its archive object ${checkpoint.archiveKey}`;
  }
  return undefined;
}
