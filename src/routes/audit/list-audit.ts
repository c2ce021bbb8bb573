import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import { CLIENTS } from '../../auth/keys';
import type { AppEnv } from '../../app-env';

export const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.object({ client: z.string(), person: z.string().optional() }),
    action: z.string(),
    target: z.string(),
    summary: z.string(),
    detail: z.record(z.string(), z.unknown()),
    requestId: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

const AuditPageSchema = z
  .object({
    entries: z.array(AuditEntrySchema),
    truncated: z.boolean().openapi({ description: 'True when more entries match; fetch them with cursor=nextCursor.' }),
    nextCursor: z.string().nullable(),
  })
  .openapi('AuditPage');

const isoTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time')
  .transform((value) => new Date(value));

export const listAuditRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listAudit',
  summary: 'Search the audit timeline',
  description:
    'Returns audit entries newest first: who (client, person) did what (action) to which target, when, with a one-line summary. Filter by actor, action (prefix with *), target and time; page with cursor.',
  middleware: guard({ clients: CLIENTS }),
  request: {
    query: z.object({
      actor: z.enum(CLIENTS).optional().openapi({ description: 'Only entries by this client.' }),
      person: z.string().max(64).optional().openapi({ description: 'Only entries by this named person.' }),
      action: z.string().max(100).optional().openapi({ description: 'Exact action, or a prefix ending in * (e.g. context.*).' }),
      target: z.string().max(200).optional().openapi({ description: 'Exact target, e.g. context:default or intent:42.' }),
      since: isoTime.optional().openapi({ type: 'string', description: 'Entries at or after this ISO time.' }),
      until: isoTime.optional().openapi({ type: 'string', description: 'Entries at or before this ISO time.' }),
      cursor: z
        .string()
        .regex(/^\d+$/, 'cursor must be the nextCursor of a previous page')
        .optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: { description: 'A page of entries.', content: { 'application/json': { schema: AuditPageSchema } } },
    ...errorResponses,
  },
});

export type ListAuditResponse = z.infer<typeof AuditPageSchema>;

export const listAudit: RouteHandler<typeof listAuditRoute, AppEnv> = async (c) => {
  const q = c.req.valid('query');
  const { entries, hasMore } = await c.var.services.audit(c.var.caller).list({
    actor: q.actor,
    person: q.person,
    action: q.action,
    target: q.target,
    since: q.since,
    until: q.until,
    before: q.cursor === undefined ? undefined : Number(q.cursor),
    limit: q.limit,
  });
  const last = entries.at(-1);
  const body: ListAuditResponse = { entries, truncated: hasMore, nextCursor: hasMore && last ? String(last.seq) : null };
  return c.json(body, 200);
};
