import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { queryInt } from '../../lib/input';

const ClearResponseSchema = z
  .object({
    cleared: z.boolean().openapi({ description: 'False when there was no live context to clear.' }),
    version: z.number().int().nullable().openapi({ description: 'The version that was cleared.' }),
  })
  .openapi('ContextCleared');

export const deleteContextRoute = createRoute({
  method: 'delete',
  path: '/',
  operationId: 'clearContext',
  summary: 'Clear the shared working context',
  description:
    'Removes the live shared context for everyone. Pass ?version= to clear only if nobody wrote since you read it. Returns whether anything was cleared.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      version: queryInt({
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        description: 'Clear only if the live version is this one.',
      }),
    }),
  },
  responses: {
    200: {
      description: 'Cleared, or nothing to clear.',
      content: { 'application/json': { schema: ClearResponseSchema } },
    },
    ...errorResponses,
    ...conflictResponse,
  },
});

export type ClearContextResponse = z.infer<typeof ClearResponseSchema>;

export const deleteContext: RouteHandler<typeof deleteContextRoute, AppEnv> = async (c) => {
  const { version } = c.req.valid('query');
  const result = await c.var.services.context(c.var.caller).clear(version);
  return c.json(result satisfies ClearContextResponse, 200);
};
