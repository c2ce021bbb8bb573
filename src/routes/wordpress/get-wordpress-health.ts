import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { LAYER_STATES } from '../../status/layer';
import type { WordPressHealth } from '../../hosting/wordpress';

const WordPressHealthSchema = z
  .object({
    state: z.enum(LAYER_STATES),
    latencyMs: z.number(),
    reason: z.string(),
    endpoint: z.string().nullable(),
    site: z
      .object({ name: z.string().nullable(), url: z.string().nullable(), namespaces: z.number().int() })
      .nullable(),
    version: z
      .string()
      .nullable()
      .openapi({ description: 'WordPress version from the feed generator; null when the site hides it.' }),
    siteHealth: z
      .object({
        authenticated: z.boolean(),
        critical: z.number().int(),
        recommended: z.number().int(),
        tests: z.array(
          z.object({
            test: z.string(),
            status: z.enum(['good', 'recommended', 'critical', 'unavailable']),
            label: z.string(),
          }),
        ),
      })
      .nullable()
      .openapi({ description: 'Site Health test results; null without an application password.' }),
  })
  .openapi('WordPressHealth');

export const getWordPressHealthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getWordPressHealth',
  summary: 'Check the WordPress site',
  description:
    'Returns state (ok, degraded, down, unconfigured) of the WordPress site: whether its REST API answers, response time, WordPress version and, with an application password, the Site Health test results.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'The site health report.', content: { 'application/json': { schema: WordPressHealthSchema } } },
    ...errorResponses,
  },
});

export type WordPressHealthResponse = z.infer<typeof WordPressHealthSchema>;

export const UNCONFIGURED_WORDPRESS: WordPressHealth = {
  state: 'unconfigured',
  latencyMs: 0,
  reason: 'WordPress is not configured: set WP_REST_ENDPOINT (and WP_USER with WP_APP_PASSWORD for Site Health).',
  endpoint: null,
  site: null,
  version: null,
  siteHealth: null,
};

export const getWordPressHealth: RouteHandler<typeof getWordPressHealthRoute, AppEnv> = async (c) => {
  const wordpress = c.var.services.hosting.wordpress;
  const body: WordPressHealthResponse = wordpress ? await wordpress.health() : UNCONFIGURED_WORDPRESS;
  return c.json(body, 200);
};
