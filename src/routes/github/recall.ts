import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { repoKey } from '../../code-index/source/repo-source';
import { publicQuery } from '../../code-index/service';
import type { CodeRecallAnswer } from '../../code-index/search-hit';
import { codeExposureFrom, exposeHit } from '../../redaction/exposure';
import { FreshnessSchema, SearchHitSchema, SearchQuerySchema } from '../search/schemas';

const RecallResponseSchema = z
  .object({
    query: z.string(),
    count: z.number().int(),
    repos: z.array(z.object({ repo: z.string(), branch: z.string(), freshness: FreshnessSchema })),
    results: z.array(SearchHitSchema),
  })
  .openapi('CodeRecallResult');

export const recallRoute = createRoute({
  method: 'get',
  path: '/recall',
  operationId: 'recallAcrossRepos',
  summary: 'Search every indexed repository at once',
  description:
    'Runs the hybrid code search across all indexed repositories and returns up to k chunks, each labelled with its repo, plus each repository’s index freshness.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: { query: SearchQuerySchema },
  responses: {
    200: {
      description: 'Ranked results across repositories.',
      content: { 'application/json': { schema: RecallResponseSchema } },
    },
    ...errorResponses,
    ...notConfiguredResponse,
    ...upstreamResponses,
  },
});

export type RecallResponse = z.infer<typeof RecallResponseSchema>;
// The dashboard reads CodeRecallAnswer (a type it can import): tsc fails here once it is no answer this schema allows.
type _DashboardReads<T extends RecallResponse = CodeRecallAnswer> = T;

export const recall: RouteHandler<typeof recallRoute, AppEnv> = async (c) => {
  const { q, k } = c.req.valid('query');
  const exposure = codeExposureFrom(c.var.services.config.vars);
  const index = c.var.services.indexing();
  index.resolve(); // fails plainly when nothing is configured
  const perRepo = await Promise.all(
    index.repos.map(async (repo) => {
      const { results, freshness } = await index.searchWithFreshness(repo, q, { k }, c.var.caller);
      return { repo, results, freshness };
    }),
  );
  // File scores are scaled within each repository's candidate lists (0..~1.7 before priors), so the lists merge by score;
  // a file's chunks share its score and stay together (the sort is stable). fileRank stays the rank within its repository.
  const results = perRepo
    .flatMap((entry) => entry.results)
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
  const body: RecallResponse = {
    query: publicQuery(q),
    count: results.length,
    repos: perRepo.map((entry) => ({
      repo: repoKey(entry.repo),
      branch: entry.repo.branch,
      freshness: entry.freshness,
    })),
    results: results.map((hit) => exposeHit(hit, c.var.caller, exposure)),
  };
  return c.json(body, 200);
};
