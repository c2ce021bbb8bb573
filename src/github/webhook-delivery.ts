import { z } from 'zod';
import { and, eq, or, sql } from 'drizzle-orm';
import { ApiError } from '../errors';
import { auditLog } from '../db/schema';
import type { AuditLog } from '../audit/log';
import { toHex } from '../auth/keys';

/**
 * A verified GitHub webhook delivery: its payload checked against what the handlers read, and its
 * identity, so a replay does nothing. `X-GitHub-Delivery` sits outside the HMAC (anyone replaying a
 * captured delivery can change it), so the identity is also the digest of the signed bytes: a replay
 * with a fresh id still has the same body. Two real deliveries never share a body (a push names its
 * commits, a workflow_run its run, status and times).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeliveryIdentity {
  /** `X-GitHub-Delivery`, when sent: a GUID, or the delivery is refused. */
  id: string | null;
  /** SHA-256 of the signed body, hex. */
  digest: string;
}

/** The identity of a delivery whose signature was verified over `bytes`. */
export async function deliveryIdentity(
  header: string | undefined,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<DeliveryIdentity> {
  if (header !== undefined && !GUID.test(header)) {
    throw new ApiError('validation_failed', 'X-GitHub-Delivery must be the GUID GitHub sends with every delivery.');
  }
  const digest = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  return { id: header?.toLowerCase() ?? null, digest };
}

/** The fields a push delivery is read for; anything else GitHub sends is ignored. */
export const PushPayloadSchema = z.object({
  ref: z.string().max(1_000),
  repository: z.object({ full_name: z.string().max(300) }),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** A verified payload read with `schema`; a shape it does not have is a 400, never a throw further in. */
export function readPayload<T>(schema: z.ZodType<T>, payload: unknown, event: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    throw new ApiError('validation_failed', `The ${event} payload is not what GitHub sends (${why.slice(0, 300)}).`);
  }
  return parsed.data;
}

const DELIVERY_ACTION = 'github.delivery';

/**
 * Record that a delivery is being acted on, unless it (its id or its body) was already: true for the
 * first, false for a replay. The check and the entry are one transaction under the chain lock, so two
 * copies arriving together make one entry and one of them acts. The window is the audit log's (until
 * audit rotation archives the entry).
 */
export async function claimDelivery(audit: AuditLog, event: string, delivery: DeliveryIdentity): Promise<boolean> {
  const target = `github-delivery:${delivery.digest}`;
  return audit.transact(async (scope) => {
    const sameBody = eq(auditLog.target, target);
    const seen = await scope.tx
      .select({ seq: auditLog.seq })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, DELIVERY_ACTION),
          delivery.id ? or(sameBody, sql`${auditLog.detail}->>'delivery' = ${delivery.id}`) : sameBody,
        ),
      )
      .limit(1);
    if (seen.length) return false;
    await scope.append({
      action: DELIVERY_ACTION,
      target,
      summary: `GitHub ${event} delivery ${delivery.id ?? '(no id)'} accepted`,
      detail: { event, delivery: delivery.id },
    });
    return true;
  });
}
