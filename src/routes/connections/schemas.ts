import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { authorizationServer, oauthEnv } from '../../oauth/server';

export const ConnectionSchema = z
  .object({
    id: z.string().openapi({ description: 'The grant id: revokeConnection takes it.' }),
    person: z.string().openapi({ description: 'Who approved the connection; its calls are theirs.' }),
    role: z.string().openapi({ description: 'The client the connection acts as: gpt, cursor or human.' }),
    clientId: z.string().openapi({ description: 'The OAuth client: a registered id or its metadata document URL.' }),
    clientName: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable().openapi({ description: 'When it lapses unless the app refreshes it again.' }),
  })
  .openapi('Connection');

/** The OAuth storage and helpers for this request's origin (`not_configured` without the OAUTH_KV binding). */
export function oauthOf(c: Context<AppEnv>) {
  const env = oauthEnv(c.env);
  return { env, oauth: authorizationServer(new URL(c.req.url).origin).getOAuthApi(env) };
}
