import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { RepoParam, TruncatedField, jsonResponse, notConfiguredResponse, setGitHubHeaders, githubFor } from './schemas';

const RepoOverviewSchema = z
  .object({
    repo: z.string(),
    fullName: z.string(),
    description: z.string().nullable(),
    defaultBranch: z.string(),
    visibility: z.string(),
    archived: z.boolean(),
    languages: z.array(z.object({ name: z.string(), percent: z.number() })),
    sizeKb: z.number().int(),
    pushedAt: z.string().nullable(),
    openIssues: z.number().int(),
    openPullRequests: z.number().int(),
    topics: z.array(z.string()),
    protectedBranches: z.array(z.string()),
    protectedBranchesTruncated: z.boolean(),
    latestRelease: z
      .object({ tag: z.string(), name: z.string().nullable(), publishedAt: z.string().nullable(), url: z.string() })
      .nullable(),
    url: z.string(),
    truncated: TruncatedField,
  })
  .openapi('GitHubRepository');

export const getGitHubRepoRoute = createRoute({
  method: 'get',
  path: '/repo',
  operationId: 'getGitHubRepo',
  summary: 'Repository overview',
  description:
    'Returns the repository: default branch, visibility, languages with shares, size, last push, open issue and pull request counts, topics, protected branches and the latest release.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: { query: z.object({ repo: RepoParam }) },
  responses: {
    200: jsonResponse('The repository overview.', RepoOverviewSchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubRepoResponse = z.infer<typeof RepoOverviewSchema>;

export const getGitHubRepo: RouteHandler<typeof getGitHubRepoRoute, AppEnv> = async (c) => {
  const query = c.req.valid('query');
  const github = githubFor(c);
  const answered = await github.overview(github.repo(query.repo));
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies GitHubRepoResponse, 200);
};
