import { z } from '@hono/zod-openapi';
import { SelectionSchema, diffStat, type StoredCursorSession } from '../../cursor/session';
import { summarizeDiff } from '../../redaction/diff-summary';

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
    diffSummary: z
      .object({
        files: z.array(
          z.object({
            path: z.string(),
            added: z.number().int(),
            removed: z.number().int(),
            hunks: z.array(z.string()),
          }),
        ),
        truncated: z.boolean(),
      })
      .optional()
      .openapi({
        description:
          'For the gpt client (GPT_CODE_EXPOSURE summary or none) instead of the diff: files, hunk ranges and +/- counts.',
      }),
    diffTruncated: z.boolean().optional(),
    clientTimestamp: z.string(),
    receivedAt: z.string(),
    expiresAt: z.string(),
    updatedBy: AuthorSchema,
    version: z.number().int(),
  })
  .openapi('CursorSession');

export type CursorSessionView = z.infer<typeof CursorSessionSchema>;

/**
 * A session as a caller sees it. `code: 'summary'` (the gpt client unless GPT_CODE_EXPOSURE=snippet) gets no
 * code: the diff becomes its summary and the selection keeps its lines, not its text.
 */
export function sessionView(
  session: StoredCursorSession,
  withDiff: boolean,
  code: 'full' | 'summary' = 'full',
): CursorSessionView {
  const { diff, selection, ...rest } = session;
  const view: CursorSessionView = { ...rest, diffStat: diffStat(diff) };
  if (selection)
    view.selection = code === 'full' ? selection : { startLine: selection.startLine, endLine: selection.endLine };
  if (withDiff && diff) {
    if (code === 'full') view.diff = diff;
    else view.diffSummary = summarizeDiff(diff);
  }
  return view;
}
