import { createRoute } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses, notFoundResponse } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CONSEQUENTIAL, IntentIdParam, IntentResultSchema, NoteBodySchema, policyResponses } from './schemas';
import type { IntentResultResponse } from './approve-intent';
import { redactCounted } from '../../redaction/redact';

export const rejectIntentRoute = createRoute({
  method: 'post',
  path: '/{id}/reject',
  operationId: 'rejectIntent',
  summary: 'Reject a proposed or approved intent',
  description:
    'Rejects the intent so it can never run; only a client that may approve it can reject it (the proposer cancels instead). Returns the rejected intent.',
  ...CONSEQUENTIAL,
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 2048 }),
  request: {
    params: IntentIdParam,
    body: { required: false, content: { 'application/json': { schema: NoteBodySchema } } },
  },
  responses: {
    200: { description: 'The rejected intent.', content: { 'application/json': { schema: IntentResultSchema } } },
    ...errorResponses,
    ...policyResponses,
    ...notFoundResponse,
    ...conflictResponse,
  },
});

export const rejectIntent: RouteHandler<typeof rejectIntentRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { value, redactions } = redactCounted(c.req.valid('json'), c.var.services.redactions);
  const intent = await c.var.services.intents(c.var.caller).reject(id, value.reason, redactions);
  return c.json({ intent } satisfies IntentResultResponse, 200);
};
