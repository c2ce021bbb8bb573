import type { OAuthHelpers } from '@cloudflare/workers-oauth-provider';
import type { ConnectionView } from './connection-view';
import type { OAuthEnv } from './server';

export type { ConnectionView } from './connection-view';

/** At most this many connections are listed (a team's, not a public service's). */
export const MAX_CONNECTIONS = 200;

/**
 * The people who hold grants: the library keeps each grant under `grant:{person}:{grantId}` (its documented
 * storage schema), and lists a person's grants; only the names of the keys are read here.
 */
async function grantOwners(env: OAuthEnv): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await env.OAUTH_KV.list({ prefix: 'grant:', cursor });
    for (const { name } of page.keys) {
      const rest = name.slice('grant:'.length);
      const at = rest.lastIndexOf(':');
      if (at > 0) owners.set(rest.slice(at + 1), rest.slice(0, at));
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && owners.size < MAX_CONNECTIONS);
  return owners;
}

/** Every live connection, newest first. */
export async function listConnections(env: OAuthEnv, oauth: OAuthHelpers): Promise<ConnectionView[]> {
  const people = new Set((await grantOwners(env)).values());
  const lists = await Promise.all(
    [...people].map((person) => oauth.listUserGrants(person, { limit: MAX_CONNECTIONS })),
  );
  return lists
    .flatMap((list) => list.items)
    .map((grant) => {
      const metadata = (grant.metadata ?? {}) as { role?: string; clientName?: string };
      return {
        id: grant.id,
        person: grant.userId,
        role: metadata.role ?? 'unknown',
        clientId: grant.clientId,
        clientName: metadata.clientName ?? grant.clientId,
        scopes: grant.scope,
        createdAt: new Date(grant.createdAt * 1000).toISOString(),
        expiresAt: grant.expiresAt ? new Date(grant.expiresAt * 1000).toISOString() : null,
      };
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_CONNECTIONS);
}

/** Revoke one connection: its grant and every token issued under it. Undefined when there is no such connection. */
export async function revokeConnection(
  env: OAuthEnv,
  oauth: OAuthHelpers,
  id: string,
): Promise<ConnectionView | undefined> {
  const person = (await grantOwners(env)).get(id);
  if (!person) return undefined;
  const found = (await listConnections(env, oauth)).find((connection) => connection.id === id);
  await oauth.revokeGrant(id, person);
  return found;
}
