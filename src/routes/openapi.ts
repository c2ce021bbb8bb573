import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { GPT_OPERATIONS, GPT_OPERATION_LIMIT } from './gpt-profile';

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

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
export const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] as const;

/** Anything but a read changes state: the GPT asks before calling it, and MCP tools say so in their hints. */
export function isConsequential(method: string): boolean {
  return method !== 'get' && method !== 'head';
}

/**
 * The GPT Action profile: only the operations in GPT_OPERATIONS, each flagged with
 * `x-openai-isConsequential` (true for anything but a read, so ChatGPT asks the user
 * before calling it), and only the component schemas they reference.
 */
export function gptProfile(full: OpenApiDocument): OpenApiDocument {
  const wanted = new Set(GPT_OPERATIONS);
  const paths: Record<string, Record<string, unknown>> = {};
  let count = 0;
  for (const [path, item] of Object.entries(full.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, { operationId?: string } | undefined>)[method];
      if (!operation?.operationId || !wanted.has(operation.operationId)) continue;
      paths[path] ??= {};
      paths[path][method] = { ...operation, 'x-openai-isConsequential': isConsequential(method) };
      count++;
    }
  }
  if (count > GPT_OPERATION_LIMIT) {
    throw new Error(`The GPT profile lists ${count} operations; GPT Actions accept at most ${GPT_OPERATION_LIMIT}.`);
  }
  const schemas = (full.components?.schemas ?? {}) as Record<string, unknown>;
  const used = referencedSchemas({ paths, securitySchemes: full.components?.securitySchemes }, schemas);
  return {
    ...full,
    info: { ...full.info, description: `${full.info.description} This is the subset for a GPT Action.` },
    paths: paths as OpenApiDocument['paths'],
    components: {
      ...full.components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) as never,
    },
  };
}

/** Names of the component schemas reachable from `root` through $ref, transitively. */
function referencedSchemas(root: unknown, schemas: Record<string, unknown>): Set<string> {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(root);
  return used;
}
