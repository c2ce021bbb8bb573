import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notFoundResponse } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { DecisionSchema, IntentIdParam, IntentSchema } from './schemas';

const IntentDetailSchema = z
  .object({
    intent: IntentSchema,
    decisions: z.array(DecisionSchema).openapi({ description: 'Every decision, allowed or denied, oldest first.' }),
    decisionsTruncated: z.boolean().openapi({
      description: 'True when the history is longer than the 200 decisions shown; the audit log has them all.',
    }),
  })
  .openapi('IntentDetail');

export const getIntentRoute = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getIntent',
  summary: 'Read one intent and its decision history',
  description:
    'Returns the intent (state, approval with its commit, execution with the workflow run and outcome) and its decision history: who did what, when, and the policy rule and reason.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: { params: IntentIdParam },
  responses: {
    200: {
      description: 'The intent and its decisions.',
      content: { 'application/json': { schema: IntentDetailSchema } },
    },
    ...errorResponses,
    ...notFoundResponse,
  },
});

export type GetIntentResponse = z.infer<typeof IntentDetailSchema>;

export const getIntent: RouteHandler<typeof getIntentRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const body: GetIntentResponse = await c.var.services.intents(c.var.caller).get(id);
  return c.json(body, 200);
};
