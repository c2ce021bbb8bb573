import { z, type RouteConfig } from '@hono/zod-openapi';
import { errorResponses } from '../../errors';

type RequestBody = NonNullable<NonNullable<RouteConfig['request']>['body']>;
type MediaSchema = NonNullable<Extract<RequestBody['content'][string], { schema?: unknown }>['schema']>;

/** The request as plain JSON Schema: documented, never validated by the router (the MCP transport answers bad input itself). */
const JsonRpcMessage: MediaSchema = {
  type: 'object',
  required: ['jsonrpc'],
  properties: {
    jsonrpc: { const: '2.0' },
    id: { type: ['string', 'integer'] },
    method: { type: 'string', examples: ['initialize', 'tools/list', 'tools/call', 'resources/read', 'prompts/get'] },
    params: { type: 'object' },
  },
};

/** Documents the answers only: responses are never validated. */
const JsonRpcErrorSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number().int(), z.null()]),
    error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
  })
  .openapi('JsonRpcError');

export const jsonRpcBody: RequestBody = {
  required: true,
  content: {
    'application/json': {
      schema: { oneOf: [JsonRpcMessage, { type: 'array', items: JsonRpcMessage, maxItems: 100 }] },
    },
  },
};

function jsonRpcError(description: string) {
  return { description, content: { 'application/json': { schema: JsonRpcErrorSchema } } };
}

/** The shared problem responses, except where the MCP transport answers with a JSON-RPC error instead. */
export const mcpResponses = {
  ...errorResponses,
  400: jsonRpcError(
    'Not JSON, not JSON-RPC, a batch over 100 messages, or a second initialize (JSON-RPC -32700 or -32600).',
  ),
  406: jsonRpcError('The Accept header must list both application/json and text/event-stream.'),
  413: jsonRpcError('The request is larger than the MCP endpoint accepts.'),
  415: jsonRpcError('Send the messages as application/json.'),
} as const;

export const methodNotAllowed = {
  405: jsonRpcError('This endpoint is stateless: no server-sent event stream and no session to end. Use POST.'),
} as const;
