import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ProblemSchema } from '../../errors';
import { identifier, queryIntOr } from '../../lib/input';
import type { AppEnv } from '../../app-env';
import type { Answered, GitHubService } from '../../github/service';

/** Every route here needs GitHub (or the index) configured: the shared 501 answer. */
export { notConfiguredResponse } from '../../errors';

export const RepoParam = identifier({ max: 141 }).optional().openapi({
  description: 'owner/name. Defaults to the configured repository; any other must be in the allow-list.',
  example: 'octocat/Hello-World',
});

export { CursorQuery as CursorParam } from '../../lib/page-cursor';

export const limitParam = (fallback: number, max: number) =>
  queryIntOr({ min: 1, max, default: fallback, description: `How many items (1-${max}, default ${fallback}).` });

export const CheckSummarySchema = z
  .object({
    state: z.enum(['success', 'failure', 'pending', 'none']),
    total: z.number().int(),
    failing: z.array(z.string()).openapi({ description: 'Names of failing checks (up to five).' }),
  })
  .openapi('GitHubCheckSummary');

export const CommitSchema = z
  .object({
    sha: z.string(),
    shortSha: z.string(),
    title: z.string(),
    author: z.string(),
    date: z.string().nullable(),
    checks: CheckSummarySchema,
    url: z.string(),
  })
  .openapi('GitHubCommit');

export const RunSchema = z
  .object({
    id: z.number().int(),
    workflow: z.string(),
    title: z.string(),
    event: z.string(),
    status: z.string(),
    conclusion: z.string().nullable(),
    branch: z.string().nullable(),
    headSha: z.string(),
    runNumber: z.number().int(),
    attempt: z.number().int(),
    startedAt: z.string().nullable(),
    durationSeconds: z.number().int().nullable(),
    url: z.string(),
  })
  .openapi('GitHubWorkflowRun');

export const JobSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    status: z.string(),
    conclusion: z.string().nullable(),
    startedAt: z.string().nullable(),
    durationSeconds: z.number().int().nullable(),
    url: z.string().nullable(),
    failingStep: z.object({ number: z.number().int(), name: z.string(), conclusion: z.string().nullable() }).optional(),
    logTail: z
      .union([z.object({ lines: z.array(z.string()), truncated: z.boolean() }), z.object({ unavailable: z.string() })])
      .optional()
      .openapi({ description: 'For failed jobs: the last log lines up to the error, or why the log is unavailable.' }),
  })
  .openapi('GitHubJob');

export const PullSchema = z
  .object({
    number: z.number().int(),
    title: z.string(),
    author: z.string(),
    state: z.string(),
    draft: z.boolean(),
    branch: z.string(),
    base: z.string(),
    review: z.enum(['approved', 'changes_requested', 'commented', 'none']),
    approvals: z.number().int(),
    checks: CheckSummarySchema,
    mergeable: z.boolean().nullable(),
    mergeableState: z.string().nullable(),
    updatedAt: z.string(),
    url: z.string(),
  })
  .openapi('GitHubPullRequest');

export const CodeSearchHitSchema = z
  .object({
    path: z.string(),
    url: z.string(),
    identifiers: z.array(z.string()).openapi({ description: 'What GitHub matched in the file.' }),
    fragments: z
      .array(z.string())
      .optional()
      .openapi({ description: 'Lines around each match; not for the gpt client unless GPT_CODE_EXPOSURE=snippet.' }),
  })
  .openapi('GitHubCodeSearchHit');

export const TruncatedField = z
  .boolean()
  .openapi({ description: 'True when more exists than is shown (see nextCursor) or items were cut to fit.' });
export const NextCursorField = z
  .string()
  .nullable()
  .openapi({ description: 'Pass as cursor to read the next slice; null on the last.' });

export function jsonResponse<T extends z.ZodTypeAny>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** Rate-limit and cache headers every GitHub answer carries. */
export function setGitHubHeaders(c: Context<AppEnv>, answered: Answered<unknown>): void {
  if (answered.rateLimit) {
    c.header('x-github-ratelimit-remaining', String(answered.rateLimit.remaining));
    c.header('x-github-ratelimit-limit', String(answered.rateLimit.limit));
    c.header('x-github-ratelimit-reset', answered.rateLimit.resetAt);
  }
  c.header('x-hezlep-cache', answered.cached ? 'hit' : 'miss');
  c.header('x-github-requests', String(answered.upstreamRequests));
  c.header('x-github-not-modified', String(answered.notModified));
}

/** The GitHub service for this request; cache writes finish after the response is sent. */
export function githubFor(c: Context<AppEnv>): GitHubService {
  return c.var.services.github().deferringWrites(c.executionCtx);
}
