import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses } from '../../errors';
import { guard } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { renderPrometheus } from '../../metrics/prometheus';
import { LATENCY_BUCKETS } from '../../metrics/model';

const SeriesSchema = z
  .object({
    resolution: z.enum(['minute', 'hour']),
    stepSeconds: z.number().int(),
    from: z.string(),
    to: z.string(),
    routes: z.array(
      z.object({
        route: z.string(),
        method: z.string(),
        total: z.number().int(),
        points: z.array(
          z.object({
            at: z.string(),
            count: z.number().int(),
            errors: z.number().int(),
            p50Ms: z.number().nullable(),
            p95Ms: z.number().nullable(),
          }),
        ),
      }),
    ),
    truncated: z.boolean().openapi({ description: 'True when more routes had requests than the 20 busiest shown.' }),
  })
  .openapi('MetricsSeries');

const MetricsJsonSchema = z
  .object({
    project: z.string(),
    aggregated: z
      .boolean()
      .openapi({ description: 'False when no METRICS Durable Object is bound (nothing is counted).' }),
    since: z.string(),
    requests: z.array(
      z.object({
        route: z.string(),
        method: z.string(),
        client: z.string(),
        status: z.number().int(),
        count: z.number().int(),
      }),
    ),
    latency: z.array(
      z.object({
        route: z.string(),
        method: z.string(),
        buckets: z.array(z.number().int()),
        sum: z.number(),
        count: z.number().int(),
      }),
    ),
    bucketsSeconds: z.array(z.number()),
    errors: z.array(z.object({ route: z.string(), code: z.string(), count: z.number().int() })),
    redactions: z
      .array(z.object({ kind: z.string(), count: z.number().int() }))
      .openapi({ description: 'Secrets replaced, by kind.' }),
    series: SeriesSchema.optional().openapi({
      description: 'With ?series=24h (per minute) or 7d (per hour): requests, errors, p50/p95 per route over time.',
    }),
  })
  .openapi('Metrics');

export const getMetricsRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getMetrics',
  summary: 'Service metrics',
  description:
    'Request counts by route, client and status, latency histograms and error counts, across isolates. Prometheus text by default; JSON with ?format=json, plus a per-route time series with &series=24h (per minute) or 7d (per hour).',
  middleware: guard({ clients: ['human', 'cron', 'cursor'] }),
  request: {
    query: z.object({
      format: z.enum(['prometheus', 'json']).optional(),
      series: z
        .enum(['24h', '7d'])
        .optional()
        .openapi({ description: 'Add a time series to the JSON answer: 24h per minute, 7d per hour.' }),
    }),
  },
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
  const query = c.req.valid('query');
  if (query.series && query.format !== 'json') {
    throw new ApiError('validation_failed', 'series is only part of the JSON answer: add format=json.');
  }
  if (wantsJson(query.format, c.req.header('accept'))) {
    const series = query.series ? await metrics.series(query.series === '24h' ? 'minute' : 'hour') : undefined;
    const body: MetricsJson = {
      project: config.projectId,
      aggregated: metrics.aggregated,
      ...snapshot,
      redactions: snapshot.redactions ?? [],
      bucketsSeconds: [...LATENCY_BUCKETS],
      ...(series ? { series } : {}),
    };
    return c.json(body, 200);
  }
  return c.text(renderPrometheus(snapshot, config.projectId), 200, {
    'content-type': 'text/plain; version=0.0.4; charset=utf-8',
  });
};
