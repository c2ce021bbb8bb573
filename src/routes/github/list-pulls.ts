import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import {
  CursorParam,
  NextCursorField,
  PullSchema,
  RepoParam,
  TruncatedField,
  jsonResponse,
  limitParam,
  notConfiguredResponse,
  setGitHubHeaders,
  githubFor,
} from './schemas';

const PullsSchema = z
  .object({
    repo: z.string(),
    state: z.string(),
    pulls: z.array(PullSchema),
    nextCursor: NextCursorField,
    truncated: TruncatedField,
  })
  .openapi('GitHubPullRequestList');

export const listGitHubPullsRoute = createRoute({
  method: 'get',
  path: '/pulls',
  operationId: 'listGitHubPulls',
  summary: 'Pull requests with review and check status',
  description:
    'Returns pull requests, most recently updated first: number, title, author, branch, review state, check status and whether it can be merged.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      repo: RepoParam,
      state: z
        .enum(['open', 'closed', 'all'])
        .default('open')
        .openapi({ description: 'open (default), closed or all pull requests.' }),
      limit: limitParam(10, 30),
      cursor: CursorParam,
    }),
  },
  responses: {
    200: jsonResponse('Pull requests.', PullsSchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubPullsResponse = z.infer<typeof PullsSchema>;

export const listGitHubPulls: RouteHandler<typeof listGitHubPullsRoute, AppEnv> = async (c) => {
  const { repo, state, limit, cursor } = c.req.valid('query');
  const github = githubFor(c);
  const answered = await github.pulls(github.repo(repo), state, limit, cursor);
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies GitHubPullsResponse, 200);
};
