import { createRoute, type z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { ContextFieldsSchema } from '../../context/snapshot';
import { ContextWriteResponseSchema, VersionField, liveContext } from './schemas';
import type { ContextWriteResult } from '../../context/shared-context';

export const PutContextBodySchema = ContextFieldsSchema.extend({ version: VersionField })
  .strict()
  .openapi('ContextReplace');

export const putContextRoute = createRoute({
  method: 'put',
  path: '/',
  operationId: 'replaceContext',
  summary: 'Replace the shared working context',
  description:
    'Replaces the whole shared context with the fields sent (omitted fields are dropped) and restarts its 15-minute lifetime. Last write wins unless you send the version you read. Returns the new context.',
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 16 * 1024 }),
  request: { body: { required: true, content: { 'application/json': { schema: PutContextBodySchema } } } },
  responses: {
    200: {
      description: 'The context as written.',
      content: { 'application/json': { schema: ContextWriteResponseSchema } },
    },
    ...errorResponses,
    ...conflictResponse,
  },
});

export type ContextWriteResponse = z.infer<typeof ContextWriteResponseSchema>;

export function writeResponse(result: ContextWriteResult): ContextWriteResponse {
  return {
    ...liveContext(result.context),
    changedFields: result.changed,
    ...(result.overwrote ? { overwrote: result.overwrote } : {}),
  };
}

export const putContext: RouteHandler<typeof putContextRoute, AppEnv> = async (c) => {
  const { version, ...fields } = c.req.valid('json');
  const result = await c.var.services.context(c.var.caller).write('replace', fields, version);
  return c.json(writeResponse(result), 200);
};
