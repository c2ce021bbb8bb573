import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, conflictResponse, errorResponses, notConfiguredResponse, upstreamResponses } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { repoKey } from '../../code-index/source/repo-source';
import { startIndexRun } from '../../code-index/start-run';

const ReindexBodySchema = z
  .object({
    repo: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'owner/name of an indexed repository (default: the first).' }),
  })
  .strict()
  .openapi('ReindexRequest');

const ReindexResponseSchema = z
  .object({ started: z.literal(true), runId: z.string(), repo: z.string(), branch: z.string() })
  .openapi('ReindexStarted');

export const reindexRoute = createRoute({
  method: 'post',
  path: '/reindex',
  operationId: 'startReindex',
  summary: 'Start an incremental re-index of a repository',
  description:
    'Starts a run that brings the index to the branch head (only changed files are re-chunked and re-embedded). Returns the run id; 409 if a run is already in progress. Audited.',
  middleware: guard({ clients: ['human', 'cron'], maxBodyBytes: 1024 }),
  request: { body: { required: false, content: { 'application/json': { schema: ReindexBodySchema } } } },
  responses: {
    202: {
      description: 'The run started; watch GET /ai/github/index.',
      content: { 'application/json': { schema: ReindexResponseSchema } },
    },
    ...errorResponses,
    ...notConfiguredResponse,
    ...conflictResponse,
    ...upstreamResponses,
  },
});

export type ReindexResponse = z.infer<typeof ReindexResponseSchema>;

export const reindex: RouteHandler<typeof reindexRoute, AppEnv> = async (c) => {
  const body = c.req.header('content-length') === '0' || !c.req.header('content-type') ? {} : c.req.valid('json');
  const services = c.var.services;
  const index = services.indexing();
  const repo = index.resolve(body.repo);
  const result = await startIndexRun({ index, audit: services.audit(c.var.caller) }, repo, c.var.caller, {
    trigger: 'manual',
    summary: `Re-index of ${repoKey(repo)}@${repo.branch} requested`,
    queueIfRunning: false,
  });
  if (!result.started) {
    throw new ApiError(
      'invalid_state',
      `A run is already in progress for ${repoKey(repo)} (run ${result.running.id}, started ${result.running.startedAt}); runs never overlap.`,
      {
        extra: { running: result.running },
      },
    );
  }
  const response: ReindexResponse = { started: true, runId: result.runId, repo: repoKey(repo), branch: repo.branch };
  return c.json(response, 202);
};
