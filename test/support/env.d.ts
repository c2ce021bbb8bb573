import type { Env as WorkerEnv } from '../../src/config';

declare global {
  namespace Cloudflare {
    // The bindings tests see through `env` from cloudflare:test.
    interface Env extends WorkerEnv {
      /** Only in the 'ledger-down' project (test/vitest.config.ts): the live Postgres bridge, for checking what was not written. */
      TEST_LIVE_DATABASE_WS_PROXY?: string;
      /** Added by test/vitest.config.ts: the local Vectorize stand-in (src/local/dev-entry.ts exports its class). */
      LOCAL_VECTORIZE: DurableObjectNamespace<import('../../src/local/vectorize-object').LocalVectorizeObject>;
    }
  }
}
