import { createRouter } from '../router';
import { openStream, openStreamRoute } from './open-stream';
import { createTicket, createTicketRoute } from './create-ticket';

export function eventsRouter() {
  return createRouter().openapi(openStreamRoute, openStream).openapi(createTicketRoute, createTicket);
}
