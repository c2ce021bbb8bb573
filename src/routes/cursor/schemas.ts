import { z } from '@hono/zod-openapi';
import { SelectionSchema, diffStat, type StoredCursorSession } from '../../cursor/session';

const AuthorSchema = z.object({ client: z.string(), person: z.string().optional() });

export const CursorSessionSchema = z
  .object({
    user: z.string(),
    workspace: z.string(),
    branch: z.string(),
    head: z.string().optional(),
    file: z.string().optional(),
    selection: SelectionSchema.optional(),
    diffStat: z.object({ added: z.number().int(), removed: z.number().int(), bytes: z.number().int() }),
    diff: z
      .string()
      .optional()
      .openapi({ description: 'The working-tree diff of the file; in lists only with ?diff=true.' }),
    diffTruncated: z.boolean().optional(),
    clientTimestamp: z.string(),
    receivedAt: z.string(),
    expiresAt: z.string(),
    updatedBy: AuthorSchema,
    version: z.number().int(),
  })
  .openapi('CursorSession');

export type CursorSessionView = z.infer<typeof CursorSessionSchema>;

export function sessionView(session: StoredCursorSession, withDiff: boolean): CursorSessionView {
  const { diff, ...rest } = session;
  return { ...rest, diffStat: diffStat(diff), ...(withDiff && diff ? { diff } : {}) };
}
