import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { optionalVar, varsSection } from '../lib/vars';
import { GPT_OPERATIONS, GPT_OPERATION_LIMIT } from './gpt-profile';

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/**
 * The URL the documents name as their server (`PUBLIC_URL`): https, the origin only. Unset, the origin a request
 * came in on stands in, which is right only for local development (a GPT Action refuses an http server).
 */
export const publicUrlVars = varsSection(
  'Public URL',
  z.object({
    PUBLIC_URL: optionalVar
      .refine((value) => {
        if (value === undefined) return true;
        try {
          const url = new URL(value);
          const local = url.protocol === 'http:' && LOOPBACK.test(url.hostname);
          return (url.protocol === 'https:' || local) && url.pathname === '/' && !url.search && !url.hash;
        } catch {
          return false;
        }
      }, 'PUBLIC_URL must be an https origin (http only for localhost), e.g. https://hezlep.example.com')
      .describe(
        "The deployed origin (https) named as `servers` in /openapi.json and the GPT profile; unset, the request's own origin.",
      ),
  }),
  (v): string | undefined => (v.PUBLIC_URL === undefined ? undefined : new URL(v.PUBLIC_URL).origin),
);

const DESCRIPTION =
  'One shared view of a software project for AI assistants, IDEs, cron jobs and humans: the shared working context, ' +
  'GitHub visibility, code search, intents that need human approval, hosting health and a tamper-evident audit log. ' +
  'Authenticate with your API key in the x-api-key header.';

export function registerSecurityScheme(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description:
      'Your API key (also accepted as `Authorization: Bearer <key>`). It alone decides which client (gpt, cursor, human, cron) you are.',
  });
}

/** One tag per area, named by the URL's first segment after /ai (a URL names its folder, and its tag). */
const AREAS: Record<string, string> = {
  review: 'The whole project in one call: health, context, recent activity.',
  digest: 'The daily digest: what changed since the previous one.',
  status: 'Health of every layer, and its history.',
  context: 'The shared working context every client reads and writes.',
  audit: 'The tamper-evident audit timeline.',
  cursor: 'Live editor sessions from Cursor.',
  events: 'The live event stream.',
  github: 'GitHub visibility: repository, commits, runs, pull requests, code search, the index.',
  search: 'Search over the indexed code.',
  intents: 'Operations proposed, approved by a human, then executed.',
  wordpress: 'WordPress health.',
  cloudways: 'Cloudways servers and applications.',
  maintenance: 'Maintenance jobs.',
  metrics: 'Request metrics.',
  queries: 'What the GPT asked.',
  mcp: 'The Model Context Protocol endpoint.',
  service: 'The service itself.',
};

function areaOf(path: string): string {
  const segment = /^\/ai\/([a-z]+)/.exec(path)?.[1] ?? /^\/([a-z]+)/.exec(path)?.[1];
  return segment && segment in AREAS ? segment : 'service';
}

/** The OpenAPI 3.1 document; `origin` is PUBLIC_URL when configured (see publicUrlVars). */
export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>, origin: string) {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Hezlep Ops Orchestrator',
      version: '0.1.0',
      description: DESCRIPTION,
      contact: { name: 'Hezlep Ops Orchestrator', url: `${origin}/docs` },
      license: { name: 'Proprietary', url: `${origin}/docs` },
    },
    servers: [{ url: origin }],
    security: [{ ApiKeyAuth: [] }],
  });
  return withTags(document);
}

/** Tag every operation with its area (linters and Action editors group by tags) and list the tags used. */
function withTags<D extends { paths?: unknown; tags?: { name: string; description?: string }[] }>(document: D): D {
  const used = new Set<string>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of METHODS) {
      const operation = item[method] as { tags?: string[] } | undefined;
      if (!operation) continue;
      operation.tags ??= [areaOf(path)];
      for (const tag of operation.tags) used.add(tag);
    }
  }
  const order = Object.keys(AREAS);
  const tags = [...used]
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((name) => ({ name, description: AREAS[name] }));
  return { ...document, tags };
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
    ...withTags({ ...full, paths }),
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
