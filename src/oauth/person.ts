import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { accessCaller, accessTokenOf, accessVars } from '../auth/access';
import { identify } from '../auth/keys';
import { ApiError } from '../errors';

/**
 * The person at the consent page: named by Cloudflare Access when it is configured and the browser came through it,
 * else by their human API key (`npm run dev`, or a deployment without Access). Undefined when neither is present yet.
 */
export async function signedInPerson(c: Context<AppEnv>, key?: string): Promise<string | undefined> {
  const config = c.var.services.config;
  const access = accessVars.parse(config.vars);
  const token = access && accessTokenOf(c.req.raw.headers);
  if (access && token) return (await accessCaller(token, access)).person;
  if (!key) return undefined;
  const caller = await identify(key, config.keys);
  if (!caller) throw new ApiError('unauthenticated', 'The API key is not recognised.');
  if (caller.client !== 'human' || !caller.person) {
    throw new ApiError('forbidden', 'Sign in with a personal human key: a connection acts for a named person.');
  }
  return caller.person;
}
