import { z } from 'zod';
import { ApiError } from '../errors';
import type { RepoRef } from './source/repo-source';
import type { FileRankWeights } from './ranking/files';

/** Which embedder a run uses; secrets (API keys) are never part of it, they come from the env where it runs. */
export type EmbedderSpec =
  | { kind: 'local'; dimensions: number }
  | { kind: 'openai'; model: string; baseUrl?: string; dimensions?: number; batchSize: number }
  | { kind: 'workers-ai'; model: string };

export type VectorBackend = 'embedded' | 'vectorize';

export interface IndexLimits {
  maxFileBytes: number;
  /** Files fetched, chunked and stored per alarm invocation. */
  batchFiles: number;
  retryBaseMs: number;
  maxAttempts: number;
}

export interface IndexConfig {
  repos: RepoRef[];
  github: { apiUrl: string };
  embedder: EmbedderSpec;
  vectors: VectorBackend;
  limits: IndexLimits;
  webhookSecret?: string;
  /** Whether the token and key the DO needs are present (checked here, read again there). */
  hasGithubToken: boolean;
  /** Overrides of the file-ranking weights (SEARCH_WEIGHTS, JSON), for evaluation runs; unset means the measured defaults. */
  searchWeights: Partial<FileRankWeights>;
}

const optional = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const REPO = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)(?:@(.+))?$/;

const IndexVarsSchema = z.object({
  INDEX_REPOS: optional,
  GITHUB_API_URL: z.string().url('GITHUB_API_URL must be a URL').default('https://api.github.com'),
  GITHUB_TOKEN: optional,
  GITHUB_WEBHOOK_SECRET: optional,
  INDEX_EMBEDDER: z.enum(['local', 'openai', 'workers-ai']).optional(),
  INDEX_VECTOR_STORE: z.enum(['embedded', 'vectorize']).optional(),
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: z.string().url('OPENAI_BASE_URL must be a URL').optional(),
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  OPENAI_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(16).max(4096).optional(),
  WORKERS_AI_EMBEDDING_MODEL: z.string().default('@cf/baai/bge-small-en-v1.5'),
  INDEX_MAX_FILE_BYTES: int(256 * 1024, 1024, 10 * 1024 * 1024),
  INDEX_BATCH_FILES: int(40, 1, 500),
  INDEX_RETRY_BASE_MS: int(2_000, 1, 600_000),
  INDEX_MAX_ATTEMPTS: int(6, 1, 50),
  SEARCH_WEIGHTS: optional,
});

const weight = z.number().min(0).max(10);
const SearchWeightsSchema = z
  .object({
    file: weight, chunk: weight, vector: weight, extra: weight, extraChunks: z.number().int().min(0).max(10), priors: z.boolean(),
    fileFields: z.tuple([weight, weight, weight, weight]), chunkFields: z.tuple([weight, weight, weight]),
  })
  .partial()
  .strict();

function parseSearchWeights(text: string | undefined): Partial<FileRankWeights> {
  if (!text) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('misconfigured', 'Service configuration is invalid: SEARCH_WEIGHTS is not JSON');
  }
  const parsed = SearchWeightsSchema.safeParse(json);
  if (!parsed.success) throw new ApiError('misconfigured', `Service configuration is invalid: SEARCH_WEIGHTS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function parseRepoList(text: string | undefined): RepoRef[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((spec) => {
      const match = REPO.exec(spec);
      if (!match) throw new ApiError('misconfigured', `Service configuration is invalid: INDEX_REPOS entry "${spec.slice(0, 80)}" is not owner/name[@branch]`);
      return { owner: match[1]!, name: match[2]!, branch: match[3] ?? 'main' };
    });
}

/** Parse the indexing section of the environment and choose its adapters once. */
export function loadIndexConfig(vars: Record<string, unknown>): IndexConfig {
  const parsed = IndexVarsSchema.safeParse(vars);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${detail}`);
  }
  const v = parsed.data;
  const embedderKind = v.INDEX_EMBEDDER ?? (v.OPENAI_API_KEY ? 'openai' : vars.AI ? 'workers-ai' : 'local');
  if (embedderKind === 'openai' && !v.OPENAI_API_KEY) throw new ApiError('misconfigured', 'Service configuration is invalid: INDEX_EMBEDDER=openai needs OPENAI_API_KEY');
  if (embedderKind === 'workers-ai' && !vars.AI) throw new ApiError('misconfigured', 'Service configuration is invalid: INDEX_EMBEDDER=workers-ai needs the AI binding');
  const embedder: EmbedderSpec =
    embedderKind === 'openai'
      ? { kind: 'openai', model: v.OPENAI_EMBEDDING_MODEL, baseUrl: v.OPENAI_BASE_URL, dimensions: v.OPENAI_EMBEDDING_DIMENSIONS, batchSize: 96 }
      : embedderKind === 'workers-ai'
        ? { kind: 'workers-ai', model: v.WORKERS_AI_EMBEDDING_MODEL }
        : { kind: 'local', dimensions: 384 };
  const vectors = v.INDEX_VECTOR_STORE ?? (vars.VECTORIZE ? 'vectorize' : 'embedded');
  if (vectors === 'vectorize' && !vars.VECTORIZE) throw new ApiError('misconfigured', 'Service configuration is invalid: INDEX_VECTOR_STORE=vectorize needs the VECTORIZE binding');
  return {
    repos: parseRepoList(v.INDEX_REPOS),
    github: { apiUrl: v.GITHUB_API_URL },
    embedder,
    vectors,
    limits: { maxFileBytes: v.INDEX_MAX_FILE_BYTES, batchFiles: v.INDEX_BATCH_FILES, retryBaseMs: v.INDEX_RETRY_BASE_MS, maxAttempts: v.INDEX_MAX_ATTEMPTS },
    webhookSecret: v.GITHUB_WEBHOOK_SECRET,
    hasGithubToken: v.GITHUB_TOKEN !== undefined,
    searchWeights: parseSearchWeights(v.SEARCH_WEIGHTS),
  };
}
