import type { TestProject } from 'vitest/node';
import { startLocalLedger } from '../../src/local/ledger';
import { startPgWebSocketBridge } from '../../src/local/pg-ws-bridge';
import { createDatabase, migrateDatabase } from '../../src/tools/migrate';
import { startRedisServer } from './redis-server';
import { startUpstashRestServer } from './upstash-rest-server';
import { freePort } from './ports';
import { startGitHubStandIn } from '../../src/local/upstreams/github';
import { startWordPressServer } from '../../src/local/upstreams/wordpress';
import { startCloudwaysServer } from '../../src/local/upstreams/cloudways';
import { startOpenAIEmbeddingsServer } from '../../src/local/upstreams/openai-embeddings';
import { startAccessServer } from '../../src/local/upstreams/access';

// What this setup provides (`inject(...)` in the tests) is declared in ./provided.d.ts.

/**
 * Start the real servers the suite talks to (Postgres behind the WebSocket bridge,
 * redis-server behind the Upstash REST bridge) on free ports, and stop them after.
 */
export default async function setup(project: TestProject) {
  const stops: (() => Promise<void>)[] = [];
  const log = (line: string) => process.env.HEZLEP_TEST_VERBOSE && console.log(line);
  try {
    const ledger = await startLocalLedger({ log });
    stops.push(() => ledger.stop());
    const pg = ledger.postgres;
    const wsProxy = ledger.vars.DATABASE_WS_PROXY;
    // A second database for tests that must damage the ledger (tamper detection) without touching the shared chain.
    const scratchUrl = await createDatabase(pg.url, wsProxy, 'hezlep_scratch');
    await migrateDatabase({ url: scratchUrl, wsProxy });

    const deadBridge = await startPgWebSocketBridge({ target: { host: '127.0.0.1', port: await freePort() }, log });
    stops.push(() => deadBridge.stop());

    project.provide('databaseUrl', pg.url);
    project.provide('databaseWsProxy', wsProxy);
    project.provide('deadDatabaseWsProxy', `127.0.0.1:${deadBridge.port}`);
    project.provide('postgresKind', pg.kind);
    project.provide('scratchDatabaseUrl', scratchUrl);
    // Audit rotation rewrites the whole chain: its own database, apart from the tamper tests' scratch one.
    const rotationUrl = await createDatabase(pg.url, wsProxy, 'hezlep_rotation');
    await migrateDatabase({ url: rotationUrl, wsProxy });
    project.provide('isolatedDatabaseUrl', rotationUrl);

    const wordpress = await startWordPressServer();
    stops.push(() => wordpress.stop());
    project.provide('wordpressUrl', wordpress.url);
    const cloudways = await startCloudwaysServer();
    stops.push(() => cloudways.stop());
    project.provide('cloudwaysUrl', cloudways.url);

    const openai = await startOpenAIEmbeddingsServer({ apiKey: `test-openai-${crypto.randomUUID()}` });
    stops.push(() => openai.stop());
    project.provide('openaiEmbeddings', { url: openai.url, apiKey: openai.apiKey });

    const access = await startAccessServer();
    stops.push(() => access.stop());
    project.provide('accessUrl', access.url);

    const redis = await startRedisServer({ log });
    if (redis) {
      stops.push(() => redis.stop());
      const upstash = await startUpstashRestServer({ redis, token: `test-upstash-${crypto.randomUUID()}`, log });
      stops.push(() => upstash.stop());
      project.provide('upstash', { url: upstash.url, token: upstash.token });
    } else {
      console.warn(
        '[test setup] SKIPPING the Upstash adapter tests: no redis-server binary found (apt-get install redis-server).',
      );
      project.provide('upstash', null);
    }
    const github = await startGitHubStandIn({ token: `test-github-${crypto.randomUUID()}`, log });
    stops.push(() => github.stop());
    project.provide('github', {
      url: github.url,
      token: github.token,
      unreachableUrl: `http://127.0.0.1:${await freePort()}`,
    });

    console.log(
      `[test setup] ledger: ${pg.kind} on ${pg.port} via bridge ${wsProxy}; upstash: ${redis ? `redis-server on ${redis.port}` : 'skipped'}`,
    );
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }

  return async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.warn(`[test teardown] ${error}`));
  };
}
