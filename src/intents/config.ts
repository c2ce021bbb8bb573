import { z } from 'zod';
import { ApiError } from '../errors';
import { buildPolicy, type IntentPolicy } from './policy';
import type { RepoRef } from '../github/client';

export interface IntentsConfig {
  policy: IntentPolicy;
  /** Which repository intents act on; the connection (token, API root) is the shared GitHub client's. */
  github: { kind: 'configured'; repo: RepoRef } | { kind: 'unconfigured' };
  /** How long an execution may stay unconfirmed (dispatch sent, no run found) before it is recorded as failed. */
  dispatchConfirmSeconds: number;
}

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const VarsSchema = z.object({
  INTENT_POLICY: optional,
  GITHUB_TOKEN: optional,
  GITHUB_REPO: optional.pipe(z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'GITHUB_REPO must be owner/name').optional()),
  INTENT_DISPATCH_CONFIRM_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
});

const cache = new WeakMap<object, IntentsConfig>();

/** Parse the intents area's variables once per env object; a bad value fails loudly naming the variable. */
export function intentsConfig(vars: Record<string, unknown>): IntentsConfig {
  const cached = cache.get(vars);
  if (cached) return cached;
  const parsed = VarsSchema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${why}`);
  }
  const v = parsed.data;
  let policy: IntentPolicy;
  try {
    policy = buildPolicy(v.INTENT_POLICY === undefined ? {} : JSON.parse(v.INTENT_POLICY));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
    throw new ApiError('misconfigured', `Service configuration is invalid: INTENT_POLICY ${why}`);
  }
  if ((v.GITHUB_TOKEN === undefined) !== (v.GITHUB_REPO === undefined)) {
    throw new ApiError('misconfigured', 'Service configuration is invalid: GITHUB_TOKEN and GITHUB_REPO must be set together');
  }
  const [owner, repo] = v.GITHUB_REPO?.split('/') ?? [];
  const config: IntentsConfig = {
    policy,
    github:
      v.GITHUB_TOKEN && owner && repo
        ? { kind: 'configured', repo: { owner, name: repo, full: `${owner}/${repo}` } }
        : { kind: 'unconfigured' },
    dispatchConfirmSeconds: v.INTENT_DISPATCH_CONFIRM_SECONDS,
  };
  cache.set(vars, config);
  return config;
}
