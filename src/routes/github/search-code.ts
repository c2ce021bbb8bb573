import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { ScopedSearchQuery } from '../../github/service';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import {
  CursorParam,
  NextCursorField,
  RepoParam,
  CodeSearchHitSchema,
  TruncatedField,
  jsonResponse,
  limitParam,
  notConfiguredResponse,
  setGitHubHeaders,
  githubFor,
} from './schemas';
import { text } from '../../lib/input';
import { codeExposureFrom } from '../../redaction/exposure';
import { withoutFragments } from '../../github/code-search-hit';

const SearchSchema = z
  .object({
    repo: z.string(),
    query: z.string(),
    totalCount: z.number().int(),
    incomplete: z.boolean(),
    hits: z.array(CodeSearchHitSchema),
    nextCursor: NextCursorField,
    truncated: TruncatedField,
  })
  .openapi('GitHubCodeSearch');

export const searchGitHubCodeRoute = createRoute({
  method: 'get',
  path: '/search',
  operationId: 'searchGitHubCode',
  summary: 'Live GitHub code search',
  description:
    "Runs GitHub's own code search in the repository for an exact identifier or string; returns file paths, URLs and the matched identifiers (other clients also get the lines around them). Live, not from the index.",
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      q: text({ max: 256 })
        .trim()
        .min(1)
        .openapi({ description: 'Identifier or string; GitHub qualifiers like path: or language: work.' }),
      repo: RepoParam,
      limit: limitParam(10, 30),
      cursor: CursorParam,
    }),
  },
  responses: {
    200: jsonResponse('Matching files with what matched in each.', SearchSchema),
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type GitHubSearchResponse = z.infer<typeof SearchSchema>;

export const searchGitHubCode: RouteHandler<typeof searchGitHubCodeRoute, AppEnv> = async (c) => {
  const { q, repo, limit, cursor } = c.req.valid('query');
  const github = githubFor(c);
  let answered: Awaited<ReturnType<typeof github.search>>;
  try {
    answered = await github.search(github.repo(repo), q, limit, cursor);
  } catch (error) {
    if (error instanceof ScopedSearchQuery) throw new ApiError('validation_failed', error.message);
    throw error;
  }
  setGitHubHeaders(c, answered);
  const body: GitHubSearchResponse = answered.body;
  // No code to the gpt client: paths and what matched, never the fragments around it.
  if (c.var.caller.client === 'gpt' && codeExposureFrom(c.var.services.config.vars) !== 'snippet')
    return c.json({ ...body, hits: body.hits.map(withoutFragments) } satisfies GitHubSearchResponse, 200);
  return c.json(body, 200);
};
