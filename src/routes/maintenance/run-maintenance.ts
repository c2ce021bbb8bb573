import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { MAINTENANCE_JOBS, runMaintenance } from '../../maintenance/jobs';

const MaintenanceReportSchema = z
  .object({
    job: z.enum(MAINTENANCE_JOBS),
    ran: z
      .boolean()
      .openapi({ description: 'Always true: a job that cannot run answers a problem instead of a report.' }),
    summary: z.string(),
    details: z.record(z.string(), z.unknown()),
    durationMs: z.number().int(),
  })
  .openapi('MaintenanceReport');

export const runMaintenanceRoute = createRoute({
  method: 'post',
  path: '/{job}',
  operationId: 'runMaintenanceJob',
  summary: 'Run a maintenance job now',
  description:
    'Runs audit-rotation, vector-pruning or reindex immediately (they also run on their crons). Idempotent; the audit log records what was done. Returns what the job did.',
  middleware: guard({ clients: ['human', 'cron'], maxBodyBytes: 1024 }),
  request: { params: z.object({ job: z.enum(MAINTENANCE_JOBS).openapi({ param: { name: 'job', in: 'path' } }) }) },
  responses: {
    200: { description: 'What the job did.', content: { 'application/json': { schema: MaintenanceReportSchema } } },
    ...errorResponses,
    ...notConfiguredResponse,
  },
});

export type RunMaintenanceResponse = z.infer<typeof MaintenanceReportSchema>;

export const runMaintenanceJob: RouteHandler<typeof runMaintenanceRoute, AppEnv> = async (c) => {
  const report = await runMaintenance(c.req.valid('param').job, { services: c.var.services, caller: c.var.caller });
  return c.json(report satisfies RunMaintenanceResponse, 200);
};
