import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { ContextResponseSchema, NO_CONTEXT_MESSAGE, liveContext } from './schemas';

export const getContextRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getContext',
  summary: 'Read the shared working context',
  description:
    'Returns the live shared context (branch, commit, activeUser, currentTask, notes, extra) with who wrote it, when it expires and its version, or live:false when none is live.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'The live context, or live:false.', content: { 'application/json': { schema: ContextResponseSchema } } },
    ...errorResponses,
  },
});

export type GetContextResponse = z.infer<typeof ContextResponseSchema>;

export const getContext: RouteHandler<typeof getContextRoute, AppEnv> = async (c) => {
  const stored = await c.var.services.context(c.var.caller).read();
  const body: GetContextResponse = stored ? liveContext(stored) : { live: false, message: NO_CONTEXT_MESSAGE };
  return c.json(body, 200);
};
