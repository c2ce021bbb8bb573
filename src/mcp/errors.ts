import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/**
 * A JSON-RPC error whose message is exactly what the client reads. The SDK's McpError puts
 * "MCP error <code>: " into its message, and the SDK client adds that prefix again on receipt.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidParams = (message: string, data?: unknown) => new RpcError(ErrorCode.InvalidParams, message, data);

/** What a value is, in the words a model reads ("a string", "null", "an array"). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The params of a request, checked against the method's schema; a mismatch is -32602 naming what was wrong. */
export function paramsOf<S extends z.ZodType>(method: string, schema: S, request: unknown): z.infer<S> {
  const params = (request as { params?: unknown }).params;
  if (method === 'tools/call' && params && typeof params === 'object' && 'arguments' in params) {
    const args = (params as { arguments: unknown }).arguments;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      throw invalidParams(
        `tools/call: "arguments" must be an object of the tool's named arguments (see its inputSchema), not ${kindOf(args)}.`,
      );
    }
  }
  const parsed = schema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `"${issue.path.filter((part) => part !== 'params').join('.') || 'params'}" ${issue.message}`);
  throw invalidParams(`${method}: invalid params: ${issues.join('; ')}.`);
}

/** A request schema that accepts any params for `method`, so the handler checks them (the SDK's check answers -32603). */
export function anyParams<M extends string>(method: M) {
  return z.object({ method: z.literal(method), params: z.unknown().optional() }).passthrough();
}
