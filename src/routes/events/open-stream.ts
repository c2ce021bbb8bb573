import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ApiError, ProblemSchema, errorResponses, notConfiguredResponse } from '../../errors';
import { authenticate, ALL_CLIENTS } from '../../auth/guard';
import type { Client } from '../../auth/keys';
import type { AppEnv } from '../../app-env';
import { EVENT_TOPICS } from '../../events/publisher';
import { requireHub } from './hub';
import { queryInt } from '../../lib/input';
import { validationError } from '../router';

/** Every client may listen; the route list is here so it can be narrowed in one place. */
const LISTENER_CLIENTS: readonly Client[] = ALL_CLIENTS;

/**
 * Authenticate a listener by its API key header or, for browsers, by a one-time
 * ticket in the query. Runs entirely in the Worker: a refused caller never reaches the hub's WebSocket.
 */
const authenticateListener: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ticket = c.req.query('ticket');
  if (ticket !== undefined && c.req.header('x-api-key') === undefined) {
    const hub = requireHub(c.var.services.eventHub);
    // A ticket is single-use: redeem it only once the rest of the request is known to be valid.
    const query = StreamQuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, 'query');
    requireUpgrade(c.req.header('upgrade'));
    const identity = /^[A-Za-z0-9_-]{20,100}$/.test(ticket) ? await hub.redeemTicket(ticket) : null;
    if (!identity)
      throw new ApiError(
        'unauthenticated',
        'The ticket is unknown, already used or expired; get a new one from POST /ai/events/ticket.',
      );
    c.set('caller', { client: identity.client as Client, person: identity.person, label: identity.label });
    return next();
  }
  return authenticate(c, async () => {
    if (!LISTENER_CLIENTS.includes(c.var.caller.client)) {
      throw new ApiError('client_not_allowed', `The ${c.var.caller.client} client may not listen to events.`);
    }
    await next();
  });
};

function requireUpgrade(upgrade: string | undefined): void {
  if (upgrade?.toLowerCase() !== 'websocket') {
    throw new ApiError('upgrade_required', 'Open this URL as a WebSocket (Upgrade: websocket).', {
      headers: { upgrade: 'websocket' },
    });
  }
}

const TopicsParam = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (!raw) return undefined;
    const topics = [
      ...new Set(
        raw
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    const unknown = topics.filter((t) => !(EVENT_TOPICS as readonly string[]).includes(t));
    if (unknown.length) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown topic(s) ${unknown.join(', ')}; known: ${EVENT_TOPICS.join(', ')}`,
      });
      return z.NEVER;
    }
    return topics as (typeof EVENT_TOPICS)[number][];
  })
  .openapi({
    type: 'string',
    description: `Comma-separated topics to receive (${EVENT_TOPICS.join(', ')}); all when omitted.`,
  });

const StreamQuerySchema = z.object({
  topics: TopicsParam,
  since: queryInt({
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: 'The last sequence number you saw; replay starts after it.',
  }),
  ticket: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: 'A one-time ticket from POST /ai/events/ticket, instead of the x-api-key header.' }),
});

export const openStreamRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'openEventStream',
  summary: 'Open the live event WebSocket',
  description:
    'Upgrades to a WebSocket that sends every change as JSON with a sequence number. Pass since=<last seq> to receive what you missed and topics= to filter. Not usable from GPT Actions.',
  // Documented here for IDEs and the dashboard; the GPT profile (src/routes/gpt-profile.ts) leaves it out,
  // since a WebSocket cannot be called through an OpenAPI Action.
  middleware: [authenticateListener],
  request: { query: StreamQuerySchema },
  responses: {
    101: { description: 'Switching protocols: the event stream.' },
    ...errorResponses,
    ...notConfiguredResponse,
    426: {
      description: 'Not a WebSocket upgrade request (`upgrade_required`).',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export const openStream: RouteHandler<typeof openStreamRoute, AppEnv> = async (c) => {
  const hub = requireHub(c.var.services.eventHub);
  requireUpgrade(c.req.header('upgrade'));
  const { topics, since } = c.req.valid('query');
  const { client, person, label } = c.var.caller;
  const upstream = await hub.connect({ client, person, label }, { topics, since });
  // A fresh response so the request middleware can still add its headers.
  return new Response(null, {
    status: upstream.status,
    webSocket: upstream.webSocket,
    headers: { 'x-request-id': c.var.requestId },
  }) as never;
};
