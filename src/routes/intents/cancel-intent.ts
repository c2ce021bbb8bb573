import { createRoute } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses, notFoundResponse } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CONSEQUENTIAL, IntentIdParam, IntentResultSchema, NoteBodySchema, policyResponses } from './schemas';
import type { IntentResultResponse } from './approve-intent';
import { redactCounted } from '../../redaction/redact';

export const cancelIntentRoute = createRoute({
  method: 'post',
  path: '/{id}/cancel',
  operationId: 'cancelIntent',
  summary: 'Cancel an intent before it runs',
  description:
    'Cancels a proposed or approved intent; the proposer or a client that may approve it can cancel. Returns the cancelled intent.',
  ...CONSEQUENTIAL,
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 2048 }),
  request: {
    params: IntentIdParam,
    body: { required: false, content: { 'application/json': { schema: NoteBodySchema } } },
  },
  responses: {
    200: { description: 'The cancelled intent.', content: { 'application/json': { schema: IntentResultSchema } } },
    ...errorResponses,
    ...policyResponses,
    ...notFoundResponse,
    ...conflictResponse,
  },
});

export const cancelIntent: RouteHandler<typeof cancelIntentRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { value, redactions } = redactCounted(c.req.valid('json'), c.var.services.redactions);
  const intent = await c.var.services.intents(c.var.caller).cancel(id, value.reason, redactions);
  return c.json({ intent } satisfies IntentResultResponse, 200);
};
