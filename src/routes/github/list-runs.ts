import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import {
  CursorParam,
  NextCursorField,
  RepoParam,
  RunSchema,
  TruncatedField,
  jsonResponse,
  limitParam,
  notConfiguredResponse,
  setGitHubHeaders,
  githubFor,
} from './schemas';
import { identifier } from '../../lib/input';

const RunsSchema = z
  .object({
    repo: z.string(),
    totalCount: z.number().int(),
    runs: z.array(RunSchema),
    nextCursor: NextCursorField,
    truncated: TruncatedField,
  })
  .openapi('GitHubWorkflowRunList');

const RUN_STATUSES = [
  'completed',
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'skipped',
  'stale',
  'success',
  'timed_out',
  'in_progress',
  'queued',
  'requested',
  'waiting',
  'pending',
] as const;

export const listGitHubRunsRoute = createRoute({
  method: 'get',
  path: '/runs',
  operationId: 'listGitHubRuns',
  summary: 'Recent workflow runs',
  description:
    'Returns GitHub Actions runs newest first: workflow, event, status, conclusion, branch, head sha, start, duration and URL. Filter by branch, status (e.g. failure) and workflow file name or id.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      repo: RepoParam,
      branch: identifier({ max: 255 }).optional().openapi({ description: 'Only runs on this branch.' }),
      status: z
        .enum(RUN_STATUSES)
        .optional()
        .openapi({ description: 'A run status or conclusion, e.g. failure, in_progress, success.' }),
      workflow: z
        .string()
        .regex(/^([A-Za-z0-9._-]+\.ya?ml|\d+)$/, 'workflow must be a file name like ci.yml or a numeric id')
        .optional()
        .openapi({ description: 'Workflow file name (ci.yml) or id.' }),
      limit: limitParam(10, 100),
      cursor: CursorParam,
    }),
  },
  responses: {
    200: jsonResponse('Workflow runs, newest first.', RunsSchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubRunsResponse = z.infer<typeof RunsSchema>;

export const listGitHubRuns: RouteHandler<typeof listGitHubRunsRoute, AppEnv> = async (c) => {
  const { repo, limit, cursor, ...filters } = c.req.valid('query');
  const github = githubFor(c);
  const answered = await github.runs(github.repo(repo), filters, limit, cursor);
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies GitHubRunsResponse, 200);
};
