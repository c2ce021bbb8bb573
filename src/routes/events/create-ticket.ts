import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { requireHub } from './hub';

const TicketSchema = z
  .object({
    ticket: z.string().openapi({ description: 'Pass as ?ticket= on GET /ai/events. Works once.' }),
    expiresAt: z.string().openapi({ description: 'ISO time after which the ticket is refused.' }),
    url: z.string().openapi({ description: 'The path to open as a WebSocket, ticket included.' }),
  })
  .openapi('EventTicket');

export const createTicketRoute = createRoute({
  method: 'post',
  path: '/ticket',
  operationId: 'createEventTicket',
  summary: 'Get a one-time ticket for the event WebSocket',
  description:
    'For browsers, which cannot set headers on a WebSocket: returns a ticket that opens GET /ai/events once, as you, within a few seconds.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: { description: 'A single-use ticket.', content: { 'application/json': { schema: TicketSchema } } },
    ...errorResponses,
    ...notConfiguredResponse,
  },
});

export type EventTicketResponse = z.infer<typeof TicketSchema>;

export const createTicket: RouteHandler<typeof createTicketRoute, AppEnv> = async (c) => {
  const hub = requireHub(c.var.services.eventHub);
  const { client, person, label } = c.var.caller;
  const { ticket, expiresAt } = await hub.issueTicket({ client, person, label });
  const body: EventTicketResponse = {
    ticket,
    expiresAt: new Date(expiresAt).toISOString(),
    url: `/ai/events?ticket=${ticket}`,
  };
  return c.json(body, 200);
};
