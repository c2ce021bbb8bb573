import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses, notFoundResponse, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CONSEQUENTIAL, IntentIdParam, IntentSchema, policyResponses } from './schemas';

const ExecuteResultSchema = z
  .object({
    intent: IntentSchema,
    started: z
      .boolean()
      .openapi({ description: 'False when this call found the intent already executing or finished (a retry).' }),
  })
  .openapi('IntentExecutionResult');

export const executeIntentRoute = createRoute({
  method: 'post',
  path: '/{id}/execute',
  operationId: 'executeIntent',
  summary: 'Run an approved intent (at most once)',
  description:
    'Starts an approved intent once: a deploy dispatches its GitHub Actions workflow for the approved commit and is followed until it ends. Refused if the branch moved or the approval lapsed. Retrying returns the same execution.',
  ...CONSEQUENTIAL,
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 1024 }),
  request: { params: IntentIdParam },
  responses: {
    202: {
      description: 'Execution started or already under way; poll getIntent for the outcome.',
      content: { 'application/json': { schema: ExecuteResultSchema } },
    },
    ...errorResponses,
    ...policyResponses,
    ...notFoundResponse,
    ...conflictResponse,
    ...upstreamResponses,
  },
});

export type ExecuteIntentResponse = z.infer<typeof ExecuteResultSchema>;

export const executeIntent: RouteHandler<typeof executeIntentRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const result: ExecuteIntentResponse = await c.var.services.intents(c.var.caller).execute(id);
  return c.json(result, 202);
};
