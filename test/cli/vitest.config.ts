import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The hezlep CLI is a Node program: its tests run in Node against the service under wrangler's local runtime. */
export default defineConfig({
  root,
  // The document is built in Node by createApp(), whose module graph names the Durable Object classes.
  resolve: { alias: { 'cloudflare:workers': `${root}test/cli/cloudflare-workers.ts` } },
  test: {
    include: ['test/cli/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Processed by Vite (not Node's loader), so the alias above reaches its `cloudflare:workers` import.
    server: { deps: { inline: ['@cloudflare/workers-oauth-provider'] } },
  },
});
