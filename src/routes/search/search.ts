import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { repoKey } from '../../code-index/source/repo-source';
import { publicQuery } from '../../code-index/service';
import type { CodeSearchAnswer } from '../../code-index/search-hit';
import { codeExposureFrom, exposeHit } from '../../redaction/exposure';
import { FreshnessSchema, SearchHitSchema, SearchQuerySchema } from './schemas';
import { identifier } from '../../lib/input';

const SearchResponseSchema = z
  .object({
    repo: z.string(),
    branch: z.string(),
    query: z.string(),
    count: z.number().int(),
    freshness: FreshnessSchema,
    results: z.array(SearchHitSchema),
  })
  .openapi('CodeSearchResult');

export const searchRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'searchCode',
  summary: 'Search the code index (hybrid lexical + semantic)',
  description:
    'Ranks files by field-weighted BM25 and vector similarity (source above tests and docs); up to k chunks, at most two per file: path, lines, symbol, file summary, snippet, and per hit its indexed commit and whether the file changed since.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: SearchQuerySchema.extend({
      path: identifier({ max: 300 })
        .optional()
        .openapi({ description: 'Only files under this path prefix, e.g. src/auth/.' }),
      lang: identifier({ max: 32 })
        .optional()
        .openapi({ description: 'Only this language, e.g. typescript, python, markdown.' }),
      repo: identifier({ max: 200 })
        .optional()
        .openapi({ description: 'owner/name of an indexed repository (default: the first).' }),
    }),
  },
  responses: {
    200: {
      description: 'Ranked results and index freshness.',
      content: { 'application/json': { schema: SearchResponseSchema } },
    },
    ...errorResponses,
    ...notConfiguredResponse,
    ...upstreamResponses,
  },
});

export type SearchResponse = z.infer<typeof SearchResponseSchema>;
// The dashboard reads CodeSearchAnswer (a type it can import): tsc fails here once it is no answer this schema allows.
type _DashboardReads<T extends SearchResponse = CodeSearchAnswer> = T;

export const search: RouteHandler<typeof searchRoute, AppEnv> = async (c) => {
  const query = c.req.valid('query');
  const index = c.var.services.indexing();
  const repo = index.resolve(query.repo);
  const { results, freshness } = await index.searchWithFreshness(
    repo,
    query.q,
    { k: query.k, path: query.path, language: query.lang },
    c.var.caller,
  );
  const exposure = codeExposureFrom(c.var.services.config.vars);
  const shown = results.map((hit) => exposeHit(hit, c.var.caller, exposure));
  const body: SearchResponse = {
    repo: repoKey(repo),
    branch: repo.branch,
    query: publicQuery(query.q),
    count: shown.length,
    freshness,
    results: shown,
  };
  return c.json(body, 200);
};
