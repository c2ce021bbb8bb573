import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import { CLIENTS } from '../../auth/keys';
import { CursorQuery, decodeIntCursor, encodeCursor } from '../../lib/page-cursor';
import { identifier, queryIntOr, queryTime } from '../../lib/input';
import type { AppEnv } from '../../app-env';
import { fitList } from '../../lib/budget';

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
    truncated: z.boolean().openapi({
      description: 'True when more entries match or the page hit the size budget; fetch them with cursor=nextCursor.',
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('AuditPage');

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
      person: identifier({ max: 64 }).optional().openapi({ description: 'Only entries by this named person.' }),
      action: identifier({ max: 100 })
        .optional()
        .openapi({ description: 'Exact action, or a prefix ending in * (e.g. context.*).' }),
      target: identifier({ max: 200 })
        .optional()
        .openapi({ description: 'Exact target, e.g. context:default or intent:42.' }),
      since: queryTime('Entries at or after this time.'),
      until: queryTime('Entries at or before this time.'),
      cursor: CursorQuery,
      limit: queryIntOr({
        min: 1,
        max: 200,
        default: 50,
        description: 'At most this many entries (1-200, default 50); fewer when they would not fit the size budget.',
      }),
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
    before: q.cursor === undefined ? undefined : decodeIntCursor(q.cursor, 'audit'),
    limit: q.limit,
  });
  const fitted = fitList(entries);
  const more = hasMore || fitted.cut;
  const last = fitted.items.at(-1);
  const body: ListAuditResponse = {
    entries: fitted.items,
    truncated: more,
    nextCursor: more && last ? encodeCursor('audit', [last.seq]) : null,
  };
  return c.json(body, 200);
};
