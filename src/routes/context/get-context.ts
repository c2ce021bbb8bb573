import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import type { Services } from '../../services';
import type { Caller } from '../../auth/keys';
import { ContextResponseSchema, NO_CONTEXT_MESSAGE, liveContext } from './schemas';
import { buildPromptDigest, PROMPT_BUDGET_CHARS } from '../../context/prompt-digest';
import { EVENT_TOPICS } from '../../events/publisher';

const RECENT_EVENTS = 8;
const PENDING_INTENTS = 10;
/** Audit entries repeat what the other topics already say, and the GPT's own queries (for the dashboard) are noise to it: the digest leaves both out. */
const DIGEST_TOPICS = EVENT_TOPICS.filter((topic) => topic !== 'audit' && topic !== 'queries');

const PromptDigestSchema = z
  .object({
    view: z.literal('prompt'),
    text: z
      .string()
      .openapi({ description: `Plain-text digest of the live state, at most ${PROMPT_BUDGET_CHARS} characters.` }),
    truncated: z
      .boolean()
      .openapi({ description: 'True when some lines were cut to fit the budget ("… N more" marks where).' }),
    budgetChars: z.number().int(),
    generatedAt: z.string(),
    counts: z.object({
      sessions: z.number().int(),
      pendingIntents: z
        .number()
        .int()
        .nullable()
        .openapi({ description: 'null when the intents engine did not answer.' }),
      events: z.number().int().nullable().openapi({ description: 'null when no event hub is bound.' }),
    }),
  })
  .openapi('PromptDigest');

export const getContextRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getContext',
  summary: 'Read the shared working context',
  description:
    'Returns the live shared context (branch, commit, activeUser, currentTask, notes, extra) with author, expiry and version, or live:false. view=prompt returns a short text digest of context, editor sessions, pending intents and recent events.',
  middleware: guard({ clients: ALL_CLIENTS }),
  request: {
    query: z.object({
      view: z
        .enum(['full', 'prompt'])
        .default('full')
        .openapi({ description: 'prompt: a compact digest to read before each command.' }),
    }),
  },
  responses: {
    200: {
      description: 'The live context (or live:false), or the prompt digest.',
      content: { 'application/json': { schema: z.union([ContextResponseSchema, PromptDigestSchema]) } },
    },
    ...errorResponses,
  },
});

export type GetContextResponse = z.infer<typeof ContextResponseSchema>;
export type PromptDigestResponse = z.infer<typeof PromptDigestSchema>;

export const getContext: RouteHandler<typeof getContextRoute, AppEnv> = async (c) => {
  const { view } = c.req.valid('query');
  if (view === 'prompt') return c.json(await promptDigest(c.var.services, c.var.caller), 200);
  const stored = await c.var.services.context(c.var.caller).read();
  const body: GetContextResponse = stored ? liveContext(stored) : { live: false, message: NO_CONTEXT_MESSAGE };
  return c.json(body, 200);
};

async function promptDigest(services: Services, caller: Caller): Promise<PromptDigestResponse> {
  const quietly = async <T>(read: () => Promise<T>, what: string): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      services.log.warn(`prompt digest: ${what} unavailable`, {
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  };
  // The context and sessions are the point of the digest: their store failing is an error, not a gap.
  const [context, sessions, intents, events] = await Promise.all([
    services.context(caller).read(),
    services.cursorSessions(caller).list(),
    quietly(() => services.pendingIntents(caller).listPending(PENDING_INTENTS), 'pending intents'),
    services.eventHub
      ? quietly(() => services.eventHub!.recent(RECENT_EVENTS, DIGEST_TOPICS), 'recent events')
      : Promise.resolve(null),
  ]);
  const now = new Date();
  const digest = buildPromptDigest({ project: services.config.projectId, context, sessions, intents, events, now });
  return {
    view: 'prompt',
    ...digest,
    generatedAt: now.toISOString(),
    counts: { sessions: sessions.length, pendingIntents: intents?.length ?? null, events: events?.length ?? null },
  };
}
