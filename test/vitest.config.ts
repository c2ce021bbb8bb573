import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { TEST_KEY_TABLE } from './support/keys.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// wrangler.toml names the dashboard's build output as the assets directory; it must exist even before a build.
mkdirSync(`${root}src/dashboard/dist`, { recursive: true });

export default defineConfig({
  root,
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // The local Vectorize stand-in, exported by the dev entry (wrangler.toml's top-level main); not in wrangler.toml.
        durableObjects: { LOCAL_VECTORIZE: 'LocalVectorizeObject' },
        bindings: {
          HEZLEP_API_KEYS: JSON.stringify(TEST_KEY_TABLE),
          DATABASE_URL: inject('databaseUrl'),
          DATABASE_WS_PROXY: inject('databaseWsProxy'),
          TEST_DEAD_DATABASE_WS_PROXY: inject('deadDatabaseWsProxy'),
          TEST_UPSTASH: JSON.stringify(inject('upstash')),
          // The local OpenAI stand-in, for model-written file summaries (off unless a test turns them on);
          // the embedder stays the offline one unless a test asks for another.
          OPENAI_API_KEY: inject('openaiEmbeddings').apiKey,
          OPENAI_BASE_URL: inject('openaiEmbeddings').url,
          INDEX_EMBEDDER: 'local',
          LOG_LEVEL: 'warn',
        },
      },
    })),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Node-side suites run on their own configs (npm test runs all): the CLI (test/cli) and the browser tests (test/e2e).
    exclude: ['test/cli/**', 'test/e2e/**', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
