import { notConfiguredResponse } from '../../errors';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { READ_SCOPE, SCOPES, resourceUrl, type Resource } from '../../oauth/server';

const ProtectedResourceMetadata = z
  .object({
    resource: z.string(),
    authorization_servers: z.array(z.string()),
    scopes_supported: z.array(z.string()),
    bearer_methods_supported: z.array(z.string()),
    resource_name: z.string(),
    resource_documentation: z.string(),
  })
  .openapi('ProtectedResourceMetadata');

const metadataResponses = {
  200: {
    description: 'RFC 9728 protected-resource metadata.',
    content: { 'application/json': { schema: ProtectedResourceMetadata } },
  },
} as const;

export const mcpResourceMetadataRoute = createRoute({
  method: 'get',
  path: '/oauth-protected-resource/mcp',
  operationId: 'getMcpResourceMetadata',
  summary: 'OAuth metadata of the MCP endpoint',
  description:
    'RFC 9728 metadata for /mcp: its resource URL, this Worker as its authorization server, and the scope to ask for first (hezlep:read). The 401 from /mcp points here.',
  security: [],
  responses: metadataResponses,
});

export const rootResourceMetadataRoute = createRoute({
  method: 'get',
  path: '/oauth-protected-resource',
  operationId: 'getResourceMetadata',
  summary: 'OAuth metadata (origin fallback)',
  description:
    'The same RFC 9728 document as /.well-known/oauth-protected-resource/mcp, for clients that look at the origin first.',
  security: [],
  responses: metadataResponses,
});

export const apiResourceMetadataRoute = createRoute({
  method: 'get',
  path: '/oauth-protected-resource/ai',
  operationId: 'getApiResourceMetadata',
  summary: 'OAuth metadata of the REST API',
  description:
    'RFC 9728 metadata for the /ai REST API (a GPT Action signing in with OAuth): its resource URL, authorization server and first scope.',
  security: [],
  responses: metadataResponses,
});

export const serverMetadataRoute = createRoute({
  method: 'get',
  path: '/oauth-authorization-server',
  operationId: 'getAuthorizationServerMetadata',
  summary: 'OAuth authorization server metadata',
  description:
    'RFC 8414 metadata: authorize, token (and revocation) and registration endpoints, PKCE S256, scopes, and client ID metadata document support.',
  security: [],
  responses: {
    200: { description: 'RFC 8414 metadata.', content: { 'application/json': { schema: z.object({}).passthrough() } } },
    ...notConfiguredResponse,
  },
});

/** The metadata document of one resource; the issuer is this Worker at the request's origin. */
export function resourceMetadata(resource: Resource) {
  return (c: Context<AppEnv>) => {
    const origin = new URL(c.req.url).origin;
    const body: z.infer<typeof ProtectedResourceMetadata> = {
      resource: resourceUrl(origin, resource),
      authorization_servers: [origin],
      scopes_supported: resource === 'mcp' ? [READ_SCOPE] : [...SCOPES],
      bearer_methods_supported: ['header'],
      resource_name: resource === 'mcp' ? 'Hezlep Ops MCP server' : 'Hezlep Ops API',
      resource_documentation: `${origin}/docs`,
    };
    return c.json(body, 200, { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' });
  };
}
