import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

const DESCRIPTION =
  'One shared view of a software project for AI assistants, IDEs, cron jobs and humans: the shared working context, ' +
  'GitHub visibility, code search, intents that need human approval, hosting health and a tamper-evident audit log. ' +
  'Authenticate with your API key in the x-api-key header.';

/** The OpenAPI 3.1 document, with `servers` taken from the URL it was fetched from so it imports as a GPT Action. */
export function registerSecurityScheme(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'Your API key. It alone decides which client (gpt, cursor, human, cron) you are.',
  });
}

export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>, origin: string) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Hezlep Ops Orchestrator', version: '0.1.0', description: DESCRIPTION },
    servers: [{ url: origin }],
    security: [{ ApiKeyAuth: [] }],
  });
}
