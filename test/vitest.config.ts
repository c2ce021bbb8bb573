import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import type { ProvidedContext } from 'vitest';
import { TEST_KEY_TABLE } from './support/keys.ts';
import { testIntentPolicy } from './support/intent-policy.ts';
import {
  BASE_INDEX_SETTINGS,
  INDEX_HISTORY_CUT_SETTINGS,
  INDEX_LIMITS_SETTINGS,
  INDEX_SUMMARIES_SETTINGS,
  INDEX_VOTES_SETTINGS,
  INDEX_VECTORIZE_SETTINGS,
} from './support/index-settings.ts';
import { findRedisBinary } from './support/redis-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// wrangler.toml names the dashboard's build output as the assets directory; it must exist even before a build.
mkdirSync(`${root}src/dashboard/dist`, { recursive: true });

type Inject = <K extends keyof ProvidedContext>(key: K) => ProvidedContext[K];

/** Test files that run against another backend, each in its own project below (the Worker and its objects see it in `env`). */
const BACKEND_SUITES = {
  /** The context store on Upstash (the Upstash REST server over a real redis-server, from the global setup). */
  upstash: [
    'test/routes/context/get-context.test.ts',
    'test/routes/context/put-context.test.ts',
    'test/routes/context/patch-context.test.ts',
    'test/routes/context/delete-context.test.ts',
    'test/routes/cursor/record-session.test.ts',
    'test/routes/cursor/list-sessions.test.ts',
    'test/routes/queries/list-queries.test.ts',
    'test/routes/github/get-activity.test.ts',
  ],
  /** Postgres unreachable: the ledger object's own connection goes to a bridge with nothing behind it. */
  ledgerDown: ['test/ledger-down/**/*.test.ts'],
  /** The context store unreachable: Upstash at an address where nothing listens. */
  storeDown: ['test/store-down/**/*.test.ts'],
  /** Short retention: an event hub that keeps only 10 events (pruning shows after a few publishes), a context that lives 10 s. */
  smallRetention: ['test/small-retention/**/*.test.ts'],
  /** Audit rotation rewrites the whole chain: a database of its own. */
  rotation: ['test/rotation/**/*.test.ts'],
  /** Intents under requireDifferentPerson: false (four eyes compares keys, not people): a policy-wide setting. */
  fourEyesByKey: ['test/four-eyes-by-key/**/*.test.ts'],
  /** An INTENT_POLICY its schema refuses: intent calls refuse it, in the Worker and in the ledger object. */
  brokenPolicy: ['test/broken-policy/**/*.test.ts'],
  /** GitHub unreachable: the Worker and the index object both read GITHUB_API_URL, a URL where nothing listens. */
  githubDown: ['test/github-down/**/*.test.ts'],
  /** The index settings the repository index object reads from its own env: one project per combination (test/support/index-settings.ts). */
  indexLimits: ['test/index-limits/**/*.test.ts'],
  indexVectorize: ['test/index-vectorize/**/*.test.ts'],
  indexSummaries: ['test/index-summaries/**/*.test.ts'],
  indexHistoryCut: ['test/index-history-cut/**/*.test.ts'],
  indexVotes: ['test/index-votes/**/*.test.ts'],
};

/**
 * One Workers project: the Worker, its Durable Objects and the local stand-ins under miniflare, with the
 * bindings every test sees, plus `bindings` (the project's backend). Objects read their configuration from
 * their own env, so a backend is chosen here, never per request.
 */
function workersProject(
  name: string,
  files: { include: string[]; exclude?: string[] },
  bindings: (inject: Inject) => Record<string, string> = () => ({}),
): TestProjectInlineConfiguration {
  return {
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
            // The local OpenAI stand-in, for model-written file summaries (off unless a test turns them on);
            // the embedder stays the offline one unless a test asks for another.
            OPENAI_API_KEY: inject('openaiEmbeddings').apiKey,
            OPENAI_BASE_URL: inject('openaiEmbeddings').url,
            INDEX_EMBEDDER: 'local',
            // The index object reads GitHub from its own env: the local stand-in (a test's repository is its own fixture).
            GITHUB_API_URL: inject('github').url,
            ...BASE_INDEX_SETTINGS,
            LOG_LEVEL: 'warn',
            // One intent policy for the Worker and its ledger object; scenarios pick its kinds and targets.
            INTENT_POLICY: testIntentPolicy(),
            ...bindings(inject as Inject),
          },
        },
      })),
    ],
    test: {
      name,
      root,
      include: files.include,
      exclude: [...(files.exclude ?? []), '**/node_modules/**'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

const projects = [
  workersProject('worker', {
    include: ['test/**/*.test.ts'],
    // Node-side suites run on their own configs (npm test runs all): the CLI (test/cli) and the browser tests (test/e2e).
    exclude: [
      'test/cli/**',
      'test/e2e/**',
      ...BACKEND_SUITES.ledgerDown,
      ...BACKEND_SUITES.storeDown,
      ...BACKEND_SUITES.smallRetention,
      ...BACKEND_SUITES.rotation,
      ...BACKEND_SUITES.fourEyesByKey,
      ...BACKEND_SUITES.brokenPolicy,
      ...BACKEND_SUITES.githubDown,
      ...BACKEND_SUITES.indexLimits,
      ...BACKEND_SUITES.indexVectorize,
      ...BACKEND_SUITES.indexSummaries,
      ...BACKEND_SUITES.indexHistoryCut,
      ...BACKEND_SUITES.indexVotes,
    ],
  }),
  workersProject('ledger-down', { include: BACKEND_SUITES.ledgerDown }, (inject) => ({
    DATABASE_WS_PROXY: inject('deadDatabaseWsProxy'),
    // For the checks that read what was (not) written, on a connection of the test's own.
    TEST_LIVE_DATABASE_WS_PROXY: inject('databaseWsProxy'),
  })),
  workersProject('store-down', { include: BACKEND_SUITES.storeDown }, () => ({
    UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9',
    UPSTASH_REDIS_REST_TOKEN: 'nobody-listens',
  })),
  workersProject('small-retention', { include: BACKEND_SUITES.smallRetention }, () => ({
    EVENT_RETAIN_COUNT: '10',
    CONTEXT_TTL_SECONDS: '10',
  })),
  workersProject('rotation', { include: BACKEND_SUITES.rotation }, (inject) => ({
    DATABASE_URL: inject('isolatedDatabaseUrl'),
  })),
  workersProject('four-eyes-by-key', { include: BACKEND_SUITES.fourEyesByKey }, () => ({
    INTENT_POLICY: testIntentPolicy({ requireDifferentPerson: false }),
  })),
  workersProject('broken-policy', { include: BACKEND_SUITES.brokenPolicy }, () => ({
    INTENT_POLICY: '{"kinds":{"deploy":{"approvers":["gpt"]}}}',
  })),
  workersProject('github-down', { include: BACKEND_SUITES.githubDown }, (inject) => ({
    GITHUB_API_URL: inject('github').unreachableUrl,
  })),
  workersProject('index-limits', { include: BACKEND_SUITES.indexLimits }, () => INDEX_LIMITS_SETTINGS),
  workersProject('index-vectorize', { include: BACKEND_SUITES.indexVectorize }, () => INDEX_VECTORIZE_SETTINGS),
  workersProject('index-summaries', { include: BACKEND_SUITES.indexSummaries }, () => INDEX_SUMMARIES_SETTINGS),
  workersProject('index-history-cut', { include: BACKEND_SUITES.indexHistoryCut }, () => INDEX_HISTORY_CUT_SETTINGS),
  workersProject('index-votes', { include: BACKEND_SUITES.indexVotes }, () => INDEX_VOTES_SETTINGS),
];

if (findRedisBinary()) {
  projects.push(
    workersProject('upstash', { include: BACKEND_SUITES.upstash }, (inject) => {
      const upstash = inject('upstash');
      if (!upstash)
        throw new Error('the global setup started no Upstash REST server although redis-server is installed');
      return { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token };
    }),
  );
} else {
  console.warn(
    `[test config] SKIPPING the 'upstash' project (${BACKEND_SUITES.upstash.length} route test files on the Upstash context store): no redis-server binary found (apt-get install redis-server).`,
  );
}

export default defineConfig({
  root,
  test: {
    // Started once for every project: Postgres and its bridges, redis-server and the Upstash REST server, the stand-ins.
    globalSetup: ['test/support/global-setup.ts'],
    projects,
  },
});
