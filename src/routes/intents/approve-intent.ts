import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, conflictResponse, errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { ReviewedCommitMoved } from '../../intents/service';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CONSEQUENTIAL, IntentIdParam, IntentResultSchema, policyResponses, notConfiguredResponse } from './schemas';

const ApproveBodySchema = z
  .object({
    commit: z
      .string()
      .regex(/^[0-9a-fA-F]{7,40}$/)
      .optional()
      .openapi({ description: 'The commit you reviewed; refused if the target has moved on since.' }),
  })
  .strict()
  .openapi('IntentApproval');

export const approveIntentRoute = createRoute({
  method: 'post',
  path: '/{id}/approve',
  operationId: 'approveIntent',
  summary: 'Approve a proposed intent (humans and Cursor only)',
  description:
    'Approves a proposed intent, binding it to the target branch head commit for a limited time. The GPT can never approve, nor can the identity that proposed it. Returns the approved intent.',
  ...CONSEQUENTIAL,
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 1024 }),
  request: {
    params: IntentIdParam,
    body: { required: false, content: { 'application/json': { schema: ApproveBodySchema } } },
  },
  responses: {
    200: { description: 'The approved intent.', content: { 'application/json': { schema: IntentResultSchema } } },
    ...errorResponses,
    ...policyResponses,
    ...notConfiguredResponse,
    ...notFoundResponse,
    ...conflictResponse,
    ...upstreamResponses,
  },
});

export type IntentResultResponse = z.infer<typeof IntentResultSchema>;

export const approveIntent: RouteHandler<typeof approveIntentRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { commit } = c.req.valid('json');
  const intent = await c.var.services
    .intents(c.var.caller)
    .approve(id, commit)
    .catch((error: unknown) => {
      if (error instanceof ReviewedCommitMoved)
        throw new ApiError('conflict', error.message, { extra: { currentCommit: error.currentCommit } });
      throw error;
    });
  return c.json({ intent } satisfies IntentResultResponse, 200);
};
