import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { pathInt, queryIntOr } from '../../lib/input';
import {
  JobSchema,
  RepoParam,
  RunSchema,
  TruncatedField,
  jsonResponse,
  notConfiguredResponse,
  setGitHubHeaders,
  githubFor,
} from './schemas';

const RunDetailSchema = z
  .object({
    repo: z.string(),
    run: RunSchema,
    jobs: z.array(JobSchema),
    failedJobs: z.number().int(),
    truncated: TruncatedField,
  })
  .openapi('GitHubWorkflowRunDetail');

export const getGitHubRunRoute = createRoute({
  method: 'get',
  path: '/runs/{id}',
  operationId: 'getGitHubRun',
  summary: 'One workflow run: jobs and why it failed',
  description:
    'Returns a workflow run with its jobs; for failed jobs, the failing step and the last lines of the job log up to the error (bounded). Use it to answer "why did CI fail".',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    params: z.object({
      id: pathInt({ min: 1, max: Number.MAX_SAFE_INTEGER, description: 'Workflow run id (from listGitHubRuns).' }),
    }),
    query: z.object({
      repo: RepoParam,
      logLines: queryIntOr({
        min: 5,
        max: 200,
        default: 40,
        description: 'Log lines per failed job (5-200, default 40).',
      }),
    }),
  },
  responses: {
    200: jsonResponse('The run with its jobs.', RunDetailSchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubRunResponse = z.infer<typeof RunDetailSchema>;

export const getGitHubRun: RouteHandler<typeof getGitHubRunRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { repo, logLines } = c.req.valid('query');
  const github = githubFor(c);
  const answered = await github.runDetail(github.repo(repo), id, logLines);
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies GitHubRunResponse, 200);
};
