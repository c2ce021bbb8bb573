import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { buildReview } from '../../review/build';

const ReviewSchema = z
  .object({
    project: z.string(),
    generatedAt: z.string(),
    summary: z
      .array(z.string())
      .openapi({ description: 'One line per section, most important first: read this first.' }),
    sections: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .openapi({ description: 'Section name -> its content (health, context, audit, …).' }),
    unavailable: z.array(z.object({ section: z.string(), reason: z.string() })),
    truncated: z
      .boolean()
      .openapi({ description: 'True when sections were left out to stay within the size budget; see omitted.' }),
    omitted: z.array(z.string()),
    budget: z.object({ bytes: z.number().int(), used: z.number().int() }),
    tookMs: z.number().int(),
  })
  .openapi('ProjectReview');

export const getReviewRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getReview',
  summary: 'Review the full project in one call',
  description:
    'Returns the whole project at a glance within a fixed size: a summary line per section, then health of every layer, the live shared context, recent audit entries and more. Start here.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'The project review.', content: { 'application/json': { schema: ReviewSchema } } },
    ...errorResponses,
  },
});

export type GetReviewResponse = z.infer<typeof ReviewSchema>;

export const getReview: RouteHandler<typeof getReviewRoute, AppEnv> = async (c) => {
  const body: GetReviewResponse = await buildReview({ services: c.var.services, caller: c.var.caller });
  return c.json(body, 200);
};
