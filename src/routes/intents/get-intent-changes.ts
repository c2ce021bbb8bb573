import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { intentsConfig } from '../../intents/config';
import { NothingToCompare, intentChanges } from '../../intents/changes';
import { CheckSummarySchema, githubFor, setGitHubHeaders } from '../github/schemas';
import { IntentIdParam, notConfiguredResponse } from './schemas';

const ChangedCommitSchema = z.object({
  sha: z.string(),
  shortSha: z.string(),
  title: z.string(),
  author: z.string(),
  date: z.string().nullable(),
  url: z.string(),
  checks: CheckSummarySchema.nullable().openapi({ description: 'Check state; null past the 20 newest commits.' }),
});

const ChangedFileSchema = z.object({
  path: z.string(),
  status: z.string().openapi({ description: 'added, removed, modified, renamed, copied, changed or unchanged.' }),
  previousPath: z.string().optional(),
  additions: z.number().int(),
  deletions: z.number().int(),
});

const IntentChangesSchema = z
  .object({
    summary: z.string().openapi({ description: 'One line: how many commits and files would ship or be taken back.' }),
    intent: z.object({ id: z.string(), kind: z.string(), target: z.string(), state: z.string() }),
    running: z
      .object({
        commit: z.string(),
        source: z.enum(['last-succeeded-intent', 'branch-head']),
        intentId: z.string().optional(),
        at: z.string().optional(),
        ref: z.string().optional(),
      })
      .openapi({ description: 'What the target runs now: the last succeeded deploy/rollback, else its branch head.' }),
    shipping: z.object({ commit: z.string(), source: z.enum(['approval', 'parameter', 'branch-head']) }),
    direction: z
      .enum(['adds', 'removes', 'diverged', 'none'])
      .openapi({ description: 'removes: the commits listed would be taken back (a rollback).' }),
    comparison: z.object({
      status: z.string(),
      aheadBy: z.number().int(),
      behindBy: z.number().int(),
      totalCommits: z.number().int(),
      commits: z.array(ChangedCommitSchema).openapi({ description: 'Newest first.' }),
      files: z.array(ChangedFileSchema),
      truncated: z.boolean(),
      url: z.string(),
    }),
    truncated: z.boolean().openapi({ description: 'True when GitHub or the size bound cut the commit or file list.' }),
  })
  .openapi('IntentChanges');

export const getIntentChangesRoute = createRoute({
  method: 'get',
  path: '/{id}/changes',
  operationId: 'getIntentChanges',
  summary: 'What a deploy or rollback would ship',
  description:
    'For a deploy or rollback intent: the commits (author, check state) and files (+/-) between what the target runs now and the commit an approval binds. Use it to explain a proposal before anyone approves it.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: { params: IntentIdParam },
  responses: {
    200: {
      description: 'The comparison, newest commits first.',
      content: { 'application/json': { schema: IntentChangesSchema } },
    },
    ...errorResponses,
    ...notFoundResponse,
    ...upstreamResponses,
    ...notConfiguredResponse,
  },
});

export type IntentChangesResponse = z.infer<typeof IntentChangesSchema>;

export const getIntentChanges: RouteHandler<typeof getIntentChangesRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const services = c.var.services;
  const area = intentsConfig(services.config.vars);
  if (area.github.kind !== 'configured')
    throw new ApiError('not_configured', 'GitHub is not configured (set GITHUB_TOKEN and GITHUB_REPO).');
  const answered = await intentChanges(
    { intents: services.intents(c.var.caller), github: githubFor(c), repo: area.github.repo, policy: area.policy },
    id,
  ).catch((error: unknown) => {
    if (error instanceof NothingToCompare) throw new ApiError('bad_request', error.message);
    throw error;
  });
  setGitHubHeaders(c, answered);
  return c.json(answered.body satisfies IntentChangesResponse, 200);
};
