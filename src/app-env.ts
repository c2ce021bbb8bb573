import type { Caller } from './auth/keys';
import type { Env } from './config';
import type { Services } from './services';

/** The Hono environment every router shares. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    caller: Caller;
    /** Set by a route that knows its own name, for the request log. */
    routeName?: string;
  };
}
