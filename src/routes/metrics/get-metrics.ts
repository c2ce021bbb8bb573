import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { renderPrometheus } from '../../metrics/prometheus';
import { LATENCY_BUCKETS } from '../../metrics/model';

const MetricsJsonSchema = z
  .object({
    project: z.string(),
    aggregated: z.boolean().openapi({ description: 'False when no METRICS Durable Object is bound (nothing is counted).' }),
    since: z.string(),
    requests: z.array(z.object({ route: z.string(), method: z.string(), client: z.string(), status: z.number().int(), count: z.number().int() })),
    latency: z.array(
      z.object({ route: z.string(), method: z.string(), buckets: z.array(z.number().int()), sum: z.number(), count: z.number().int() }),
    ),
    bucketsSeconds: z.array(z.number()),
    errors: z.array(z.object({ route: z.string(), code: z.string(), count: z.number().int() })),
    redactions: z.array(z.object({ kind: z.string(), count: z.number().int() })).openapi({ description: 'Secrets replaced, by kind.' }),
  })
  .openapi('Metrics');

export const getMetricsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getMetrics',
  summary: 'Service metrics',
  description:
    'Returns request counts by route, client and status, latency histograms and error counts, aggregated across isolates. Prometheus text by default; JSON with ?format=json or Accept: application/json.',
  middleware: guard({ clients: ['human', 'cron', 'cursor'] }),
  request: { query: z.object({ format: z.enum(['prometheus', 'json']).optional() }) },
  responses: {
    200: {
      description: 'The metrics.',
      content: {
        'text/plain': { schema: z.string().openapi({ description: 'Prometheus text exposition format 0.0.4.' }) },
        'application/json': { schema: MetricsJsonSchema },
      },
    },
    ...errorResponses,
  },
});

export type MetricsJson = z.infer<typeof MetricsJsonSchema>;

function wantsJson(format: string | undefined, accept: string | undefined): boolean {
  if (format) return format === 'json';
  return Boolean(accept && /application\/json/.test(accept) && !/text\/plain/.test(accept));
}

export const getMetrics: RouteHandler<typeof getMetricsRoute, AppEnv> = async (c) => {
  const { metrics, config } = c.var.services;
  // What this isolate still holds goes in first, so the answer includes it.
  await metrics.flush().catch((error) => c.var.services.log.warn('metrics flush failed', { error: String(error) }));
  const snapshot = await metrics.snapshot();
  if (wantsJson(c.req.valid('query').format, c.req.header('accept'))) {
    const body: MetricsJson = { project: config.projectId, aggregated: metrics.aggregated, ...snapshot, redactions: snapshot.redactions ?? [], bucketsSeconds: [...LATENCY_BUCKETS] };
    return c.json(body, 200);
  }
  return c.text(renderPrometheus(snapshot, config.projectId), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
};
