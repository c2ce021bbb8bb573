import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CursorSessionSchema, sessionView } from './schemas';
import { identifier } from '../../lib/input';
import { codeExposureFrom } from '../../redaction/exposure';

const ListResponseSchema = z
  .object({
    count: z.number().int(),
    sessions: z.array(CursorSessionSchema),
  })
  .openapi('CursorSessionList');

export const listSessionsRoute = createRoute({
  method: 'get',
  path: '/session',
  operationId: 'listCursorSessions',
  summary: 'List live editor sessions',
  description:
    "Returns who is editing what right now: each live session's user, workspace, branch, head, file, selection and diff size, newest first. Add diff=true for the diffs (the gpt client gets a summary: files, hunks, +/-).",
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      user: identifier({ max: 64 }).optional().openapi({ description: 'Only this user.' }),
      workspace: identifier({ max: 200 }).optional().openapi({ description: 'Only this workspace.' }),
      diff: z
        .enum(['true', 'false'])
        .optional()
        .transform((value) => value === 'true')
        .openapi({ description: "Include each session's diff (can be large)." }),
    }),
  },
  responses: {
    200: { description: 'The live sessions.', content: { 'application/json': { schema: ListResponseSchema } } },
    ...errorResponses,
  },
});

export type ListSessionsResponse = z.infer<typeof ListResponseSchema>;

export const listSessions: RouteHandler<typeof listSessionsRoute, AppEnv> = async (c) => {
  const { user, workspace, diff } = c.req.valid('query');
  const sessions = (await c.var.services.cursorSessions(c.var.caller).list()).filter(
    (s) => (user === undefined || s.user === user) && (workspace === undefined || s.workspace === workspace),
  );
  const code =
    c.var.caller.client === 'gpt' && codeExposureFrom(c.var.services.config.vars) !== 'snippet' ? 'summary' : 'full';
  const body: ListSessionsResponse = {
    count: sessions.length,
    sessions: sessions.map((s) => sessionView(s, diff, code)),
  };
  return c.json(body, 200);
};
