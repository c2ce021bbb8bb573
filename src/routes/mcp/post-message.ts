import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono, RouteHandler } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AppEnv } from '../../app-env';
import { appCaller } from '../../mcp/app-call';
import { toolCatalog } from '../../mcp/catalog';
import { mcpServer } from '../../mcp/server';
import { authenticateMcp, mcpKeyOf } from './auth';
import { jsonRpcBody, mcpResponses } from './schemas';

/** Large enough for the biggest operation body (a Cursor session with a 1 MiB diff) inside its JSON-RPC envelope. */
export const MCP_MAX_BODY_BYTES = 2 * 1024 * 1024;

export const postMessageRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'postMcpMessage',
  summary: 'Model Context Protocol endpoint (Streamable HTTP)',
  description:
    'MCP over Streamable HTTP, stateless: every API operation as a tool, plus resources and prompts. Key as x-api-key or Authorization: Bearer. Answers JSON-RPC as JSON. For MCP clients, not for GPT Actions.',
  middleware: [authenticateMcp],
  request: { body: jsonRpcBody },
  responses: {
    200: {
      description: 'The JSON-RPC response (or batch of responses).',
      content: { 'application/json': { schema: { type: 'object' } } },
    },
    202: { description: 'Only notifications or responses were sent: accepted, nothing to answer.' },
    ...mcpResponses,
  },
});

/**
 * One MCP server and transport per request (stateless mode, JSON answers instead of an SSE stream):
 * nothing is kept between requests, so any Worker instance can answer any message.
 */
export function postMessage(app: OpenAPIHono<AppEnv>): RouteHandler<typeof postMessageRoute, AppEnv> {
  return async (c) => {
    const services = c.var.services;
    const server = mcpServer({
      catalog: toolCatalog(app),
      caller: c.var.caller,
      callApp: appCaller(app, c, c.var.caller.connection ? c.var.caller : mcpKeyOf(c)!),
      requestId: c.var.requestId,
      log: services.log,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MCP_MAX_BODY_BYTES,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      c.executionCtx.waitUntil(server.close());
    }
  };
}
