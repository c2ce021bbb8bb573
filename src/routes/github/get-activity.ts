import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import {
  CommitSchema,
  RepoParam,
  RunSchema,
  TruncatedField,
  jsonResponse,
  limitParam,
  notConfiguredResponse,
  setGitHubHeaders,
  githubFor,
} from './schemas';

const ActivitySchema = z
  .object({
    repo: z.string(),
    commits: z.array(CommitSchema),
    runs: z.array(RunSchema),
    truncated: TruncatedField,
  })
  .openapi('GitHubActivity');

export const getGitHubActivityRoute = createRoute({
  method: 'get',
  path: '/activity',
  operationId: 'getGitHubActivity',
  summary: 'Latest commits and workflow runs together',
  description:
    'Returns the last commits on the default branch (with check status) and the last workflow runs in one call: the answer to "show the last five commits and runs".',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: { query: z.object({ repo: RepoParam, limit: limitParam(5, 20) }) },
  responses: {
    200: jsonResponse('Recent commits and runs.', ActivitySchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubActivityResponse = z.infer<typeof ActivitySchema>;

export const getGitHubActivity: RouteHandler<typeof getGitHubActivityRoute, AppEnv> = async (c) => {
  const { repo, limit } = c.req.valid('query');
  const github = githubFor(c);
  const answered = await github.activity(github.repo(repo), limit);
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies GitHubActivityResponse, 200);
};
