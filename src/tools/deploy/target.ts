import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { PROJECT_ROOT } from '../../local/service';
import { cloudflareCronProblem } from '../../cron/expression';

/** The deployed environments of wrangler.toml; the top level is `npm run dev` and the tests. */
export const DEPLOY_ENVS = ['staging', 'production'] as const;
export type DeployEnv = (typeof DEPLOY_ENVS)[number];

/** The Worker refuses every /ai request (503 misconfigured) without these. */
export const REQUIRED_SECRETS = ['HEZLEP_API_KEYS', 'DATABASE_URL'] as const;

/**
 * Credentials and installation-specific settings `npm run setup` stores as Worker secrets when they are
 * set in its environment (secrets survive deploys; vars in wrangler.toml are the same for every installation).
 */
export const OPTIONAL_SECRETS = [
  'GITHUB_TOKEN',
  'GITHUB_REPO',
  'GITHUB_REPOS',
  'GITHUB_WEBHOOK_SECRET',
  'INDEX_REPOS',
  'INTENT_POLICY',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'OPENAI_API_KEY',
  'WP_REST_ENDPOINT',
  'WP_USER',
  'WP_APP_PASSWORD',
  'CW_EMAIL',
  'CW_API_KEY',
  'ACCESS_TEAM_DOMAIN',
  'ACCESS_AUD',
] as const;

/** Without these a deployed Worker runs, but GitHub visibility, intents and the index do not. */
export const RECOMMENDED_SECRETS = ['GITHUB_TOKEN', 'GITHUB_REPO', 'GITHUB_WEBHOOK_SECRET'] as const;

/** The metadata indexes setup creates: the adapter's own list, so its filters always have their index. */
export { VECTORIZE_METADATA_INDEXES } from '../../code-index/store/vectorize';

/** Output sizes of the Workers AI embedding models the index may be configured with. */
const WORKERS_AI_DIMENSIONS: Record<string, number> = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-large-en-v1.5': 1024,
};

export interface DeployTarget {
  env: DeployEnv;
  workerName: string;
  bucket: string | undefined;
  vectorIndex: string | undefined;
  /** Dimensions of the configured embedder's vectors (the Vectorize index must match). */
  dimensions: number;
  /** The OAuth grants namespace: its binding's id, null when bound without one yet (setup creates it), undefined when unbound. */
  oauthKvId: string | null | undefined;
  crons: string[];
  assetsDirectory: string | undefined;
  vars: Record<string, unknown>;
}

export function parseDeployEnv(value: string | undefined): DeployEnv {
  const env = value ?? 'staging';
  if (!(DEPLOY_ENVS as readonly string[]).includes(env))
    throw new Error(`--env must be one of ${DEPLOY_ENVS.join(', ')}, not "${env}"`);
  return env as DeployEnv;
}

/** The environment's section of wrangler.toml, read by wrangler itself. */
export function readTarget(env: DeployEnv): DeployTarget {
  const config = unstable_readConfig({ config: join(PROJECT_ROOT, 'wrangler.toml'), env }, { hideWarnings: true });
  const vars = config.vars as Record<string, unknown>;
  const model = String(vars.WORKERS_AI_EMBEDDING_MODEL ?? '@cf/baai/bge-small-en-v1.5');
  const dimensions =
    vars.INDEX_EMBEDDER === 'openai'
      ? Number(vars.OPENAI_EMBEDDING_DIMENSIONS ?? 1536)
      : (WORKERS_AI_DIMENSIONS[model] ?? 384);
  return {
    env,
    workerName: config.name ?? `hezlep-ops-orchestrator-${env}`,
    bucket: config.r2_buckets.find((bucket: { binding: string; bucket_name?: string }) => bucket.binding === 'ARCHIVE')
      ?.bucket_name,
    vectorIndex: config.vectorize.find(
      (index: { binding: string; index_name: string }) => index.binding === 'VECTORIZE',
    )?.index_name,
    dimensions,
    oauthKvId: oauthKvIdOf(config.kv_namespaces),
    crons: config.triggers.crons ?? [],
    assetsDirectory: config.assets?.directory,
    vars,
  };
}

function oauthKvIdOf(bindings: { binding: string; id?: string }[]): string | null | undefined {
  const binding = bindings.find((kv) => kv.binding === 'OAUTH_KV');
  return binding ? (binding.id ?? null) : undefined;
}

/** Problems that would make `wrangler deploy` refuse the target, or leave the Worker unusable. */
export function configurationProblems(target: DeployTarget): string[] {
  const problems: string[] = [];
  for (const cron of target.crons) {
    const problem = cloudflareCronProblem(cron);
    if (problem) problems.push(`cron trigger ${problem}`);
  }
  if (!target.bucket) problems.push(`[env.${target.env}] binds no R2 bucket as ARCHIVE`);
  if (target.oauthKvId === undefined)
    problems.push(`[env.${target.env}] binds no KV namespace as OAUTH_KV (OAuth for /mcp)`);
  if (target.vars.INDEX_VECTOR_STORE === 'vectorize' && !target.vectorIndex)
    problems.push(`[env.${target.env}] binds no Vectorize index as VECTORIZE`);
  return problems;
}

export interface WranglerRun {
  status: number;
  stdout: string;
}

/** Run wrangler from the project root; `input` goes to its stdin (how secret values travel, never as arguments). */
export function wrangler(args: string[], options: { input?: string; capture?: boolean } = {}): WranglerRun {
  const result = spawnSync('npx', ['wrangler', ...args], {
    cwd: PROJECT_ROOT,
    input: options.input,
    encoding: 'utf8',
    stdio: [options.input === undefined ? 'inherit' : 'pipe', options.capture ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? '' };
}

/** Names of the secrets the deployed Worker holds (`wrangler secret list`; values are never returned). */
export function deployedSecretNames(target: DeployTarget): string[] {
  const run = wrangler(['secret', 'list', '--env', target.env, '--format', 'json'], { capture: true });
  if (run.status !== 0)
    throw new Error(
      `wrangler secret list --env ${target.env} failed (exit ${run.status}); is \`wrangler login\` done?`,
    );
  const listed = JSON.parse(run.stdout) as { name: string }[];
  return listed.map((secret) => secret.name);
}
