import { z } from 'zod';
import { ApiError } from '../errors';
import { intVar, optionalVar, varsSection } from '../lib/vars';
import type { RepoRef } from './source/repo-source';
import type { WeightOverrides } from './ranking/files';
import type { ModelSummarySpec } from './summary/model-summary';
import { summaryVars } from './summary/config';
import type { HistorySpec } from './pipeline/history';

/** Which embedder a run uses; secrets (API keys) are never part of it, they come from the env where it runs. */
export type EmbedderSpec =
  | { kind: 'local'; dimensions: number }
  | { kind: 'openai'; model: string; baseUrl?: string; dimensions?: number; batchSize: number }
  | { kind: 'workers-ai'; model: string };

export type VectorBackend = 'embedded' | 'vectorize';

/**
 * Where the Vectorize and Workers AI bindings come from: Cloudflare's (`VECTORIZE`, `AI`),
 * or the local implementations of their APIs (`INDEX_LOCAL_BINDINGS=true`, dev and tests).
 */
export type BindingSource = 'cloudflare' | 'local';

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
  bindings: BindingSource;
  /** The Vectorize index name (`wrangler vectorize create <name>`); names the local index too. */
  vectorizeIndex: string;
  /** A deployed service, not local development (which runs its ledger through the local bridge). */
  deployed: boolean;
  limits: IndexLimits;
  webhookSecret?: string;
  /** Whether the token and key the DO needs are present (checked here, read again there). */
  hasGithubToken: boolean;
  /** Model-written file summaries (INDEX_MODEL_SUMMARIES with OPENAI_API_KEY), or null when off. */
  summaries: ModelSummarySpec | null;
  /** The history field: backfill depth, per-run request budget, and the evaluation's time cut-off. */
  history: HistorySpec;
  /** Overrides of the file-ranking weights (SEARCH_WEIGHTS, JSON), for evaluation runs; unset means the measured defaults. */
  searchWeights: WeightOverrides;
}

const REPO = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)(?:@(.+))?$/;

const IndexVarsSchema = z.object({
  INDEX_REPOS: optionalVar.describe(
    'Repositories to index: owner/name[@branch], comma-separated (branch defaults to main).',
  ),
  GITHUB_API_URL: z
    .string()
    .url('GITHUB_API_URL must be a URL')
    .default('https://api.github.com')
    .describe('GitHub REST root the indexer reads trees and blobs from.'),
  GITHUB_TOKEN: optionalVar.describe('GitHub token (secret), read by the index object from its own env.'),
  GITHUB_WEBHOOK_SECRET: optionalVar.describe('HMAC secret (secret) that turns on POST /ai/github/webhook.'),
  INDEX_EMBEDDER: z
    .enum(['local', 'openai', 'workers-ai'])
    .optional()
    .describe(
      'local (default when nothing else is configured), openai (default with OPENAI_API_KEY), workers-ai (default with the AI binding).',
    ),
  INDEX_VECTOR_STORE: z
    .enum(['embedded', 'vectorize'])
    .optional()
    .describe(
      'embedded (vectors in the index Durable Object) or vectorize (default when the VECTORIZE binding exists).',
    ),
  INDEX_LOCAL_BINDINGS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .describe(
      'true: Vectorize and Workers AI come from their local implementations (npm run dev -- --vectorize, tests); needs LOCAL_VECTORIZE.',
    ),
  INDEX_LOCAL_DIMENSIONS: intVar(384, 16, 4096).describe('Dimensions of the offline hashing embedder.'),
  VECTORIZE_INDEX_NAME: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'VECTORIZE_INDEX_NAME must be lowercase letters, digits and dashes')
    .default('hezlep-code')
    .describe('The Vectorize index (wrangler vectorize create <name>); also names the local one.'),
  DATABASE_WS_PROXY: optionalVar.describe(
    'Set only in local development (the ledger bridge): the index is then not a deployed service.',
  ),
  OPENAI_API_KEY: optionalVar.describe(
    'OpenAI or compatible API key (secret), for embeddings and model-written file summaries.',
  ),
  OPENAI_BASE_URL: z.string().url('OPENAI_BASE_URL must be a URL').optional().describe('OpenAI-compatible API root.'),
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small').describe('Embedding model name.'),
  OPENAI_EMBEDDING_DIMENSIONS: z.coerce
    .number()
    .int()
    .min(16)
    .max(4096)
    .optional()
    .describe('Embedding dimensions to ask for.'),
  WORKERS_AI_EMBEDDING_MODEL: z.string().default('@cf/baai/bge-small-en-v1.5').describe('Workers AI embedding model.'),
  INDEX_MAX_FILE_BYTES: intVar(256 * 1024, 1024, 10 * 1024 * 1024).describe('Files larger than this are skipped.'),
  INDEX_BATCH_FILES: intVar(40, 1, 500).describe('Files per alarm invocation of an index run.'),
  INDEX_RETRY_BASE_MS: intVar(2_000, 1, 600_000).describe('Backoff before retrying a failed batch (doubling).'),
  INDEX_MAX_ATTEMPTS: intVar(6, 1, 50).describe('Attempts before a run is marked failed.'),
  INDEX_HISTORY_COMMITS: intVar(3_000, 0, 100_000).describe(
    'Commits the first history backfill reads at most (one GitHub request each; 0 turns the history field off).',
  ),
  INDEX_HISTORY_PER_RUN: intVar(1_500, 1, 100_000).describe(
    'GitHub requests one run spends on history at most (the backfill goes on in the next run).',
  ),
  INDEX_HISTORY_UNTIL: z
    .string()
    .datetime({ offset: true, message: 'INDEX_HISTORY_UNTIL must be an ISO 8601 time' })
    .optional()
    .describe('Evaluation only: the history field reads no commit dated at or after this time (a time split).'),
  AI: z.unknown().optional().describe('Workers AI binding (wrangler.toml), for the workers-ai embedder.'),
  VECTORIZE: z.unknown().optional().describe('Vectorize index binding (wrangler.toml), for the vectorize store.'),
  LOCAL_VECTORIZE: z
    .unknown()
    .optional()
    .describe('Development and tests: the local Vectorize object binding, used with INDEX_LOCAL_BINDINGS.'),
  SEARCH_WEIGHTS: optionalVar.describe(
    'File-ranking weight overrides as JSON (evaluation runs; see docs/search-quality.md).',
  ),
});

const weight = z.number().min(0).max(10);
const share = z.number().min(0).max(1);
/** SEARCH_WEIGHTS: the ranking weights an evaluation may override (eval:tune reads its --weights with it too). */
export const SearchWeightsSchema = z
  .object({
    file: weight,
    words: weight,
    wordsWhenAsked: z.boolean(),
    history: weight,
    commits: weight,
    commitsTop: z.number().int().min(0).max(100),
    commitsAlpha: z.number().min(0).max(2),
    chunk: weight,
    vector: weight,
    extra: weight,
    extraChunks: z.number().int().min(0).max(10),
    priors: z.boolean(),
    roles: z
      .object({
        test: share,
        bench: share,
        example: share,
        generated: share,
        docs: share,
        config: share,
        tooling: share,
      })
      .partial()
      .strict(),
    learnedDocs: z.boolean(),
    learnedTests: z.boolean(),
    testsMargin: z.number().min(-20).max(20),
    minmax: z.boolean(),
    rankScale: z.number().min(0).max(1000),
    activity: z.number().min(-0.9).max(10),
    consensus: weight,
    chunkAbsent: z.number().min(0).max(1),
    size: weight,
    recency: weight,
    coverage: weight,
    span: weight,
    defines: weight,
    declares: weight,
    cochange: weight,
    fileFields: z.tuple([weight, weight, weight, weight]),
    chunkFields: z.tuple([weight, weight, weight]),
  })
  .partial()
  .strict();

function parseSearchWeights(text: string | undefined): WeightOverrides {
  if (!text) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('misconfigured', 'Service configuration is invalid: SEARCH_WEIGHTS is not JSON');
  }
  const parsed = SearchWeightsSchema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(
      'misconfigured',
      `Service configuration is invalid: SEARCH_WEIGHTS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export function parseRepoList(text: string | undefined): RepoRef[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((spec) => {
      const match = REPO.exec(spec);
      if (!match)
        throw new ApiError(
          'misconfigured',
          `Service configuration is invalid: INDEX_REPOS entry "${spec.slice(0, 80)}" is not owner/name[@branch]`,
        );
      return { owner: match[1]!, name: match[2]!, branch: match[3] ?? 'main' };
    });
}

/** Parse the indexing section of the environment and choose its adapters once. */
export const indexVars = varsSection('Code index', IndexVarsSchema, (v, vars): IndexConfig => {
  const bindings: BindingSource =
    v.INDEX_LOCAL_BINDINGS === 'true' || v.INDEX_LOCAL_BINDINGS === '1' ? 'local' : 'cloudflare';
  // With local bindings, the stand-ins take the place of AI and VECTORIZE (they need the LOCAL_VECTORIZE object).
  const hasAi = bindings === 'local' || !!vars.AI;
  const hasVectorize = bindings === 'local' ? !!vars.LOCAL_VECTORIZE : !!vars.VECTORIZE;
  const embedderKind = v.INDEX_EMBEDDER ?? (v.OPENAI_API_KEY ? 'openai' : vars.AI ? 'workers-ai' : 'local');
  if (embedderKind === 'openai' && !v.OPENAI_API_KEY)
    throw new ApiError('misconfigured', 'Service configuration is invalid: INDEX_EMBEDDER=openai needs OPENAI_API_KEY');
  if (embedderKind === 'workers-ai' && !hasAi)
    throw new ApiError(
      'misconfigured',
      'Service configuration is invalid: INDEX_EMBEDDER=workers-ai needs the AI binding',
    );
  const embedder: EmbedderSpec =
    embedderKind === 'openai'
      ? {
          kind: 'openai',
          model: v.OPENAI_EMBEDDING_MODEL,
          baseUrl: v.OPENAI_BASE_URL,
          dimensions: v.OPENAI_EMBEDDING_DIMENSIONS,
          batchSize: 96,
        }
      : embedderKind === 'workers-ai'
        ? { kind: 'workers-ai', model: v.WORKERS_AI_EMBEDDING_MODEL }
        : { kind: 'local', dimensions: v.INDEX_LOCAL_DIMENSIONS };
  const vectors = v.INDEX_VECTOR_STORE ?? (vars.VECTORIZE ? 'vectorize' : 'embedded');
  if (vectors === 'vectorize' && !hasVectorize) {
    throw new ApiError(
      'misconfigured',
      `Service configuration is invalid: INDEX_VECTOR_STORE=vectorize needs the ${bindings === 'local' ? 'LOCAL_VECTORIZE' : 'VECTORIZE'} binding`,
    );
  }
  const summaries = summaryVars.parse(vars);
  if (summaries.enabled && !v.OPENAI_API_KEY)
    throw new ApiError(
      'misconfigured',
      'Service configuration is invalid: INDEX_MODEL_SUMMARIES=true needs OPENAI_API_KEY',
    );
  return {
    repos: parseRepoList(v.INDEX_REPOS),
    github: { apiUrl: v.GITHUB_API_URL },
    embedder,
    vectors,
    bindings,
    vectorizeIndex: v.VECTORIZE_INDEX_NAME,
    deployed: bindings === 'cloudflare' && v.DATABASE_WS_PROXY === undefined,
    limits: {
      maxFileBytes: v.INDEX_MAX_FILE_BYTES,
      batchFiles: v.INDEX_BATCH_FILES,
      retryBaseMs: v.INDEX_RETRY_BASE_MS,
      maxAttempts: v.INDEX_MAX_ATTEMPTS,
    },
    webhookSecret: v.GITHUB_WEBHOOK_SECRET,
    hasGithubToken: v.GITHUB_TOKEN !== undefined,
    summaries: summaries.enabled ? { ...summaries.spec, baseUrl: v.OPENAI_BASE_URL } : null,
    history: {
      maxCommits: v.INDEX_HISTORY_COMMITS,
      perRun: v.INDEX_HISTORY_PER_RUN,
      until: v.INDEX_HISTORY_UNTIL ?? null,
    },
    searchWeights: parseSearchWeights(v.SEARCH_WEIGHTS),
  };
});

/** The indexing section, validated once per env object. */
export const loadIndexConfig = (vars: Record<string, unknown>): IndexConfig => indexVars.parse(vars);
