/**
 * `cloudflare:workers` for the Node-side tests that build the OpenAPI document from `createApp()` without workerd
 * (test/cli/openapi-lint.test.ts): the app's module graph names the Durable Object classes, which only need a base
 * class to exist here. Nothing constructs them in Node.
 */
export class DurableObject<Env = unknown> {
  constructor(
    protected readonly ctx: unknown,
    protected readonly env: Env,
  ) {}
}

/** Named by @cloudflare/workers-oauth-provider at import time. */
export class WorkerEntrypoint<Env = unknown> {
  constructor(
    protected readonly ctx: unknown,
    protected readonly env: Env,
  ) {}
}
