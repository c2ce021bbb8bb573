import { z } from '@hono/zod-openapi';
import { ContextFieldsSchema, type StoredContext } from '../../context/snapshot';

const AuthorSchema = z.object({ client: z.string(), person: z.string().optional() });

export const LiveContextSchema = z
  .object({
    live: z.literal(true),
    context: ContextFieldsSchema,
    updatedBy: AuthorSchema,
    updatedAt: z.string().openapi({ description: 'ISO time of the last write.' }),
    expiresAt: z.string().openapi({ description: 'ISO time the context lapses unless written again.' }),
    version: z
      .number()
      .int()
      .openapi({ description: 'Send it back as `version` to write only if nobody wrote since.' }),
  })
  .openapi('LiveContext');

export const NoContextSchema = z
  .object({
    live: z.literal(false),
    message: z.string(),
  })
  .openapi('NoLiveContext');

export const ContextResponseSchema = z.union([LiveContextSchema, NoContextSchema]).openapi('ContextResponse');

export const ContextWriteResponseSchema = LiveContextSchema.extend({
  changedFields: z.array(z.string()),
  overwrote: AuthorSchema.extend({ version: z.number().int(), updatedAt: z.string() })
    .optional()
    .openapi({ description: "Present when this write replaced another client's value (the overwrite is audited)." }),
}).openapi('ContextWriteResult');

export const VersionField = z.number().int().min(0).optional().openapi({
  description:
    'Optional compare-and-set: the version you read (0 = expect no live context). A newer value gives 409 instead of being overwritten.',
});

export function liveContext(stored: StoredContext) {
  return {
    live: true as const,
    context: stored.fields,
    updatedBy: stored.updatedBy,
    updatedAt: stored.updatedAt,
    expiresAt: stored.expiresAt,
    version: stored.version,
  };
}

export const NO_CONTEXT_MESSAGE =
  'There is no live shared context: nobody has written one in the last lifetime window, or it was cleared. Write one with PUT /ai/context.';
