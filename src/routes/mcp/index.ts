import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env';
import { createRouter } from '../router';
import { postMessage, postMessageRoute } from './post-message';
import { authenticateMcp } from './auth';
import { endSessionRoute, openStreamRoute, refuseStream } from './refuse-stream';

/** `/mcp`: the Model Context Protocol face of `app`, whose operations become its tools. */
export function mcpRouter(app: OpenAPIHono<AppEnv>) {
  const router = createRouter().openapi(postMessageRoute, postMessage(app));
  // GET and DELETE only ever answer 405: documented from their route definitions, served by one plain handler.
  for (const route of [openStreamRoute, endSessionRoute]) router.openAPIRegistry.registerPath(route);
  router.on(['GET', 'DELETE'], '/', authenticateMcp, refuseStream);
  return router;
}
