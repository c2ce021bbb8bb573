import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses, notFoundResponse } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { latestDigest, type KeptDigest } from '../../digest/digest';
import { parseDigestConfig } from '../../digest/config';

const DigestSchema = z
  .object({
    seq: z.number().int().openapi({ description: 'The audit entry the digest is kept in.' }),
    project: z.string(),
    generatedAt: z.string(),
    since: z.string().openapi({ description: 'Start of the period described (the previous digest, or a day before).' }),
    summary: z
      .array(z.string())
      .openapi({ description: 'One line per section, most important first: read this first.' }),
    sections: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .openapi({ description: 'health, changes (commits and workflow runs), intents, index.' }),
    unavailable: z.array(z.object({ section: z.string(), reason: z.string() })),
    truncated: z.boolean().openapi({ description: 'True when sections were left out to stay within the size budget.' }),
    omitted: z.array(z.string()),
  })
  .openapi('DailyDigest');

export const getDigestRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getDailyDigest',
  summary: 'Read the daily digest',
  description:
    'Returns the latest daily digest: a status check and what changed since the previous one (commits, workflow runs, intents, index freshness), a summary line per section first. 404 until the first digest is built.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'The latest digest.', content: { 'application/json': { schema: DigestSchema } } },
    ...notFoundResponse,
    ...errorResponses,
  },
});

export type GetDigestResponse = z.infer<typeof DigestSchema>;

export const getDigest: RouteHandler<typeof getDigestRoute, AppEnv> = async (c) => {
  const { services, caller } = c.var;
  let kept: KeptDigest | null;
  try {
    kept = await latestDigest(services, caller);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('store_unavailable', 'The audit log the digest is kept in is unavailable.', { internal: error });
  }
  if (!kept) {
    const { cron } = parseDigestConfig(services.config.vars);
    throw new ApiError('not_found', `No digest has been built yet; the daily job runs on "${cron}" (UTC).`);
  }
  const body: GetDigestResponse = { seq: kept.seq, ...kept.digest };
  return c.json(body, 200);
};
