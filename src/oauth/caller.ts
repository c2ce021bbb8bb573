import { callerOf, type Caller } from '../auth/keys';
import { CONNECTION_ROLES, type ConnectionRole } from './consent-page';
import { authorizationServer, oauthEnv, resourceUrl, type Resource } from './server';

/** What a grant keeps (encrypted, unwrapped only with a token): who approved it and as which client it acts. */
export interface GrantProps {
  person: string;
  role: ConnectionRole;
  clientName: string;
}

/**
 * The caller an OAuth access token stands for at `resource`, or undefined when the token is not a valid one for it
 * (unknown, expired, revoked, or issued for another resource). The role and person come from the grant, so the
 * token is treated exactly as that client's key, with the person's name.
 */
export async function connectionCaller(
  env: { OAUTH_KV?: KVNamespace },
  origin: string,
  resource: Resource,
  token: string,
): Promise<Caller | undefined> {
  if (!env.OAUTH_KV || !/^[^:\s]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const valid = await authorizationServer(origin).validateToken<GrantProps>(
    resourceUrl(origin, resource),
    token,
    oauthEnv(env),
  );
  if (!valid) return undefined;
  const { person, role, clientName } = valid.props;
  if (!CONNECTION_ROLES.includes(role) || typeof person !== 'string') return undefined;
  // Tokens are `person:grantId:secret`; the grant id names the connection in the list and the audit log.
  const grantId = token.split(':').at(-2)!;
  return {
    ...callerOf(role, person),
    connection: { id: grantId, clientId: valid.clientId, clientName, scopes: valid.scope },
  };
}
