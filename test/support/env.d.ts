import type { Env as WorkerEnv } from '../../src/config';

declare global {
  namespace Cloudflare {
    // The bindings tests see through `env` from cloudflare:test.
    interface Env extends WorkerEnv {
      TEST_DEAD_DATABASE_WS_PROXY: string;
      TEST_UPSTASH: string;
      /** Added by test/vitest.config.ts: the local Vectorize stand-in (src/local/dev-entry.ts exports its class). */
      LOCAL_VECTORIZE: DurableObjectNamespace<import('../../src/local/vectorize-object').LocalVectorizeObject>;
    }
  }
}
