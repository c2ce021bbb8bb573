import { createRouter } from '../router';
import { recordSession, recordSessionRoute } from './record-session';
import { listSessions, listSessionsRoute } from './list-sessions';

export function cursorRouter() {
  return createRouter().openapi(recordSessionRoute, recordSession).openapi(listSessionsRoute, listSessions);
}
