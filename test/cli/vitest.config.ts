import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The hezlep CLI is a Node program: its tests run in Node against the service under wrangler's local runtime. */
export default defineConfig({
  root,
  test: {
    include: ['test/cli/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
