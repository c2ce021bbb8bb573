import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { checkArchiveCheckpoint } from '../../maintenance/audit-rotation';

const VerifySchema = z
  .object({
    intact: z.boolean(),
    checked: z.number().int().openapi({ description: 'Entries whose hash was recomputed and matched.' }),
    firstSeq: z.number().int().nullable(),
    lastSeq: z.number().int().nullable(),
    firstBad: z
      .object({ seq: z.number().int(), reason: z.string() })
      .optional()
      .openapi({ description: 'The first entry that breaks the chain, when it is not intact.' }),
    archivedThrough: z.object({ seq: z.number().int(), hash: z.string(), archiveKey: z.string() }).optional().openapi({
      description: 'After rotation: entries up to seq were archived to R2; the chain is checked from this hash.',
    }),
  })
  .openapi('AuditVerification');

export const verifyAuditRoute = createRoute({
  method: 'get',
  path: '/verify',
  operationId: 'verifyAudit',
  summary: 'Check the audit chain is untampered',
  description:
    'Recomputes every entry hash and link of the audit chain. Returns intact:true, or intact:false with the first entry that was altered, removed or inserted.',
  middleware: guard({ clients: ['human', 'cron', 'cursor', 'gpt'] }),
  responses: {
    200: { description: 'The verification report.', content: { 'application/json': { schema: VerifySchema } } },
    ...errorResponses,
  },
});

export type VerifyAuditResponse = z.infer<typeof VerifySchema>;

export const verifyAudit: RouteHandler<typeof verifyAuditRoute, AppEnv> = async (c) => {
  const report: VerifyAuditResponse = await c.var.services.audit(c.var.caller).verify();
  if (report.archivedThrough) {
    const mismatch = await checkArchiveCheckpoint(c.var.services.archive, report.archivedThrough);
    if (mismatch)
      return c.json({ ...report, intact: false, firstBad: { seq: report.archivedThrough.seq, reason: mismatch } }, 200);
  }
  return c.json(report, 200);
};
