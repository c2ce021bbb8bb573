import { z } from 'zod';
import { ApiError } from '../errors';
import { intVar, optionalVar, varsSection } from '../lib/vars';

/** What any GitHub client needs: where the API is, how to authenticate, how long to wait. */
export interface GitHubConnection {
  /** Absent only for anonymous reads of public repositories (the indexer allows it). */
  token?: string;
  /** API root without a trailing slash (GitHub Enterprise Server: https://host/api/v3). */
  apiUrl: string;
  /** How long a remembered ETag and its body are kept for conditional requests. */
  etagTtlMs: number;
  /** Per-request timeout towards GitHub. */
  timeoutMs: number;
}

export interface GitHubSettings extends GitHubConnection {
  token: string;
  /** The default repository, `owner/name`. */
  defaultRepo: string;
  /** Repositories a caller may name with `repo=`, lower-cased; always includes the default. */
  allowedRepos: string[];
  /** How long a shaped answer is reused without asking GitHub at all. */
  answerTtlMs: number;
}

export type GitHubConfig = { configured: true; settings: GitHubSettings } | { configured: false; missing: string[] };

const REPO = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;

const GitHubVarsSchema = z.object({
  GITHUB_TOKEN: optionalVar.describe(
    'GitHub token (secret); with GITHUB_REPO it turns on /ai/github (without both those routes answer 501).',
  ),
  GITHUB_REPO: optionalVar
    .refine((v) => v === undefined || REPO.test(v), 'GITHUB_REPO must be owner/name')
    .describe('The default repository, owner/name.'),
  GITHUB_REPOS: optionalVar.describe(
    'Further repositories callers may name with repo=, comma-separated owner/name (the allow-list).',
  ),
  GITHUB_API_URL: optionalVar
    .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), 'GITHUB_API_URL must be an http(s) URL')
    .describe('GitHub REST root (default https://api.github.com; GitHub Enterprise: https://host/api/v3).'),
  GITHUB_CACHE_SECONDS: intVar(30, 0, 3600).describe(
    'How long a shaped GitHub answer is reused without asking GitHub at all.',
  ),
  GITHUB_ETAG_TTL_SECONDS: intVar(86_400, 60, 7 * 86_400).describe(
    'How long a remembered ETag and its body are kept for conditional requests.',
  ),
  GITHUB_TIMEOUT_MS: intVar(10_000, 500, 60_000).describe('Per-request timeout towards GitHub, in milliseconds.'),
});

const ConnectionVarsSchema = GitHubVarsSchema.pick({
  GITHUB_TOKEN: true,
  GITHUB_API_URL: true,
  GITHUB_ETAG_TTL_SECONDS: true,
  GITHUB_TIMEOUT_MS: true,
});

function connectionOf(v: z.infer<typeof ConnectionVarsSchema>): GitHubConnection {
  return {
    ...(v.GITHUB_TOKEN ? { token: v.GITHUB_TOKEN } : {}),
    apiUrl: (v.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    etagTtlMs: v.GITHUB_ETAG_TTL_SECONDS * 1000,
    timeoutMs: v.GITHUB_TIMEOUT_MS,
  };
}

/**
 * Just the connection (token optional), for code that runs where no request services
 * exist, such as the repo-index Durable Object reading its own env.
 */
const connectionVars = varsSection('GitHub connection', ConnectionVarsSchema, connectionOf);

export const parseGitHubConnection = (vars: Record<string, unknown>): GitHubConnection => connectionVars.parse(vars);

/**
 * Parse the GitHub section of the environment. Missing token or repository means
 * "not configured" (routes answer 501); a malformed value fails loudly naming it.
 */
export const githubVars = varsSection('GitHub', GitHubVarsSchema, (v): GitHubConfig => {
  const missing = [!v.GITHUB_TOKEN && 'GITHUB_TOKEN', !v.GITHUB_REPO && 'GITHUB_REPO'].filter((m): m is string => !!m);
  if (missing.length > 0) return { configured: false, missing };

  const extra = (v.GITHUB_REPOS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const invalid = extra.filter((r) => !REPO.test(r));
  if (invalid.length > 0) {
    throw new ApiError(
      'misconfigured',
      `Service configuration is invalid: GITHUB_REPOS entries must be owner/name (bad: ${invalid.slice(0, 3).join(', ')})`,
    );
  }
  const allowed = [...new Set([v.GITHUB_REPO!, ...extra].map((r) => r.toLowerCase()))];
  return {
    configured: true,
    settings: {
      ...connectionOf(v),
      token: v.GITHUB_TOKEN!,
      defaultRepo: v.GITHUB_REPO!,
      allowedRepos: allowed,
      answerTtlMs: v.GITHUB_CACHE_SECONDS * 1000,
    },
  };
});

export const parseGitHubConfig = (vars: Record<string, unknown>): GitHubConfig => githubVars.parse(vars);

/** The repository a request is about: the default, or an allow-listed one. */
export function resolveRepo(
  settings: GitHubSettings,
  requested: string | undefined,
): { owner: string; name: string; full: string } {
  const full = requested?.trim() || settings.defaultRepo;
  if (!REPO.test(full)) throw new ApiError('validation_failed', `repo must be owner/name, got "${full.slice(0, 80)}".`);
  if (!settings.allowedRepos.includes(full.toLowerCase())) {
    throw new ApiError(
      'repo_not_allowed',
      `Repository ${full} is not in the configured allow-list (GITHUB_REPOS); allowed: ${settings.allowedRepos.join(', ')}.`,
    );
  }
  const [owner, name] = full.split('/') as [string, string];
  return { owner, name, full };
}
