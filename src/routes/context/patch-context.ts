import { createRoute } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { ContextPatchFieldsSchema } from '../../context/snapshot';
import { ContextWriteResponseSchema, VersionField } from './schemas';
import { writeResponse } from './put-context';

export const PatchContextBodySchema = ContextPatchFieldsSchema.extend({ version: VersionField })
  .strict()
  .openapi('ContextMerge');

export const patchContextRoute = createRoute({
  method: 'patch',
  path: '/',
  operationId: 'updateContext',
  summary: 'Update some fields of the shared context',
  description:
    'Merges the fields sent into the shared context: a value sets a field, null removes it, omitted fields stay. Restarts the 15-minute lifetime. Returns the new context and which fields changed.',
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 16 * 1024 }),
  request: { body: { required: true, content: { 'application/json': { schema: PatchContextBodySchema } } } },
  responses: {
    200: {
      description: 'The context as written.',
      content: { 'application/json': { schema: ContextWriteResponseSchema } },
    },
    ...errorResponses,
    ...conflictResponse,
  },
});

export const patchContext: RouteHandler<typeof patchContextRoute, AppEnv> = async (c) => {
  const { version, ...patch } = c.req.valid('json');
  const result = await c.var.services.context(c.var.caller).write('merge', patch, version);
  return c.json(writeResponse(result), 200);
};
