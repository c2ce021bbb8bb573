import type { Context, MiddlewareHandler } from 'hono';
import { identifyCaller } from '../../auth/guard';
import type { AppEnv } from '../../app-env';

/** MCP clients send a static header: the API key as `x-api-key`, or as `Authorization: Bearer <key>`. */
export function mcpKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header('x-api-key');
  if (key) return key;
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/** The same keys and clients as REST; a refusal is a 401/403 problem before any MCP message is read. */
export const authenticateMcp: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('caller', await identifyCaller(c, mcpKeyOf(c), 'the x-api-key header or an Authorization: Bearer header'));
  await next();
};
