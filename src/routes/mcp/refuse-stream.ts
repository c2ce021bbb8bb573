import { createRoute } from '@hono/zod-openapi';
import { methodNotAllowed, mcpResponses } from './schemas';

const { 400: _400, 406: _406, 413: _413, 415: _415, ...refusals } = mcpResponses;

export const openStreamRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'openMcpStream',
  summary: 'MCP server-sent event stream (not offered)',
  description:
    'The MCP endpoint is stateless and sends nothing unasked, so a GET for an event stream is answered 405, as the Streamable HTTP transport specifies. Send messages with POST /mcp.',
  responses: { ...methodNotAllowed, ...refusals },
});

export const endSessionRoute = createRoute({
  method: 'delete',
  path: '/',
  operationId: 'endMcpSession',
  summary: 'End an MCP session (none exist)',
  description:
    'The MCP endpoint is stateless and hands out no session ids, so there is no session to end: answered 405. Send messages with POST /mcp.',
  responses: { ...methodNotAllowed, ...refusals },
});

/** The JSON-RPC error the SDK's own transport sends for a method it does not serve, with `Allow`. */
export function refuseStream(): Response {
  const body = {
    jsonrpc: '2.0',
    error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; use POST.' },
    id: null,
  };
  return new Response(JSON.stringify(body), {
    status: 405,
    headers: { allow: 'POST', 'content-type': 'application/json' },
  });
}
