import { z } from 'zod';
import { ApiError } from './errors';
import { parseKeyTable, type KeyEntry } from './auth/keys';
import type { ContextStoreObject } from './objects/context-store';
import type { EventHubObject } from './objects/event-hub';
import type { MetricsObject } from './objects/metrics';
import type { RepoIndexObject } from './code-index/repo-index-object';
import type { LocalVectorizeObject } from './local/vectorize-object';

/** Bindings and variables the Worker receives. Everything optional is an adapter choice. */
export interface Env {
  CONTEXT_STORE: DurableObjectNamespace<ContextStoreObject>;
  EVENT_HUB?: DurableObjectNamespace<EventHubObject>;
  REPO_INDEX?: DurableObjectNamespace<RepoIndexObject>;
  VECTORIZE?: unknown;
  AI?: unknown;
  /** Development and tests: the local implementation of the Vectorize API (INDEX_LOCAL_BINDINGS=true). */
  LOCAL_VECTORIZE?: DurableObjectNamespace<LocalVectorizeObject>;
  ASSETS?: Fetcher;
  ARCHIVE?: R2Bucket;
  /** GitHub visibility (parsed in src/github/config.ts); without token and repo the routes answer 501. */
  GITHUB_TOKEN?: string;
  GITHUB_REPO?: string;
  GITHUB_REPOS?: string;
  GITHUB_API_URL?: string;
  METRICS?: DurableObjectNamespace<MetricsObject>;
  [name: string]: unknown;
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const intFromString = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const EnvVarsSchema = z.object({
  HEZLEP_API_KEYS: z.string({ error: 'HEZLEP_API_KEYS is required (a JSON list of API keys or their hashes)' }),
  DATABASE_URL: z.string({ error: 'DATABASE_URL is required (the Postgres ledger for audit and intents)' }).url(),
  /** Local development only: host:port of a WebSocket-to-TCP bridge in front of a plain Postgres. */
  DATABASE_WS_PROXY: optionalString,
  PROJECT_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'PROJECT_ID must be lowercase letters, digits and dashes')
    .default('default'),
  CONTEXT_TTL_SECONDS: intFromString(900, 10, 86_400),
  UPSTASH_REDIS_REST_URL: optionalString,
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SERVICE_VERSION: z.string().default('0.1.0'),
});

export type ContextBackend =
  | { kind: 'upstash'; url: string; token: string }
  | { kind: 'durable-object' };

export interface Config {
  projectId: string;
  contextTtlSeconds: number;
  keys: KeyEntry[];
  database: { url: string; wsProxy?: string };
  context: ContextBackend;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  version: string;
  /** The raw variables, for areas that parse their own section (GitHub, hosting, …). */
  vars: Record<string, unknown>;
}

function describe(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`).join('; ');
}

/**
 * Validate `env` once per request (bindings only exist per request on Workers)
 * and choose the adapters. A missing variable fails loudly with its name.
 */
export async function loadConfig(env: Env): Promise<Config> {
  const parsed = EnvVarsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ApiError('misconfigured', `Service configuration is invalid: ${describe(parsed.error.issues)}`);
  }
  const vars = parsed.data;
  const hasUrl = vars.UPSTASH_REDIS_REST_URL !== undefined;
  const hasToken = vars.UPSTASH_REDIS_REST_TOKEN !== undefined;
  if (hasUrl !== hasToken) {
    throw new ApiError(
      'misconfigured',
      'Service configuration is invalid: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together',
    );
  }
  const context: ContextBackend =
    hasUrl && hasToken
      ? { kind: 'upstash', url: vars.UPSTASH_REDIS_REST_URL!, token: vars.UPSTASH_REDIS_REST_TOKEN! }
      : { kind: 'durable-object' };

  return {
    projectId: vars.PROJECT_ID,
    contextTtlSeconds: vars.CONTEXT_TTL_SECONDS,
    keys: await parseKeyTable(vars.HEZLEP_API_KEYS),
    database: { url: vars.DATABASE_URL, wsProxy: vars.DATABASE_WS_PROXY },
    context,
    logLevel: vars.LOG_LEVEL,
    version: vars.SERVICE_VERSION,
    vars: env as Record<string, unknown>,
  };
}
