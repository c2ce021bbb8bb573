import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import {
  CommitSchema,
  CursorParam,
  NextCursorField,
  RepoParam,
  TruncatedField,
  jsonResponse,
  limitParam,
  notConfiguredResponse,
  setGitHubHeaders,
  githubFor,
} from './schemas';
import { identifier, queryTime } from '../../lib/input';

const CommitsSchema = z
  .object({
    repo: z.string(),
    branch: z.string().nullable(),
    commits: z.array(CommitSchema),
    nextCursor: NextCursorField,
    truncated: TruncatedField,
  })
  .openapi('GitHubCommitList');

export const listGitHubCommitsRoute = createRoute({
  method: 'get',
  path: '/commits',
  operationId: 'listGitHubCommits',
  summary: 'Recent commits with check status',
  description:
    'Returns commits newest first (short sha, title line, author, date, URL) with the combined check status of each. Filter by branch, path, since/until (ISO time) and author.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      repo: RepoParam,
      branch: identifier({ max: 255 })
        .optional()
        .openapi({ description: 'Branch, tag or sha; default branch when omitted.' }),
      path: identifier({ max: 1024 })
        .optional()
        .openapi({ description: 'Only commits touching this file or directory.' }),
      since: queryTime('Only commits after this time.'),
      until: queryTime('Only commits before this time.'),
      author: identifier({ max: 255 }).optional().openapi({ description: 'GitHub login or email address.' }),
      limit: limitParam(10, 100),
      cursor: CursorParam,
    }),
  },
  responses: {
    200: jsonResponse('Commits, newest first.', CommitsSchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubCommitsResponse = z.infer<typeof CommitsSchema>;

export const listGitHubCommits: RouteHandler<typeof listGitHubCommitsRoute, AppEnv> = async (c) => {
  const { repo, limit, cursor, since, until, ...rest } = c.req.valid('query');
  const filters = { ...rest, since: since?.toISOString(), until: until?.toISOString() };
  const github = githubFor(c);
  const answered = await github.commits(github.repo(repo), filters, limit, cursor);
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies GitHubCommitsResponse, 200);
};
