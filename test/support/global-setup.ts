import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from '../../src/local/postgres';
import { startPgWebSocketBridge } from '../../src/local/pg-ws-bridge';
import { migrateDatabase } from '../../src/tools/migrate';
import { startRedisServer } from './redis-server';
import { startUpstashRestServer } from './upstash-rest-server';
import { freePort } from './ports';
import { startGitGitHubServer } from './git-github-server';
import { startOpenAIEmbeddingsServer } from './openai-embeddings-server';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseWsProxy: string;
    /** A bridge whose Postgres is not there: for "ledger down" tests. */
    deadDatabaseWsProxy: string;
    postgresKind: string;
    upstash: { url: string; token: string } | null;
    /** GitHub REST shapes over real git repositories (fixtures made through its /_fixtures API). */
    gitGitHubUrl: string;
    /** OpenAI-compatible embeddings (base URL ending in /v1, and the key it accepts). */
    openaiEmbeddings: { url: string; apiKey: string };
  }
}

/**
 * Start the real servers the suite talks to (Postgres behind the WebSocket bridge,
 * redis-server behind the Upstash REST bridge) on free ports, and stop them after.
 */
export default async function setup(project: TestProject) {
  const stops: (() => Promise<void>)[] = [];
  const log = (line: string) => process.env.HEZLEP_TEST_VERBOSE && console.log(line);
  try {
    const pg = await startLocalPostgres({ log });
    stops.push(() => pg.stop());
    const bridge = await startPgWebSocketBridge({ target: { host: pg.host, port: pg.port }, log });
    stops.push(() => bridge.stop());
    const wsProxy = `127.0.0.1:${bridge.port}`;
    await migrateDatabase({ url: pg.url, wsProxy });

    const deadBridge = await startPgWebSocketBridge({ target: { host: '127.0.0.1', port: await freePort() }, log });
    stops.push(() => deadBridge.stop());

    project.provide('databaseUrl', pg.url);
    project.provide('databaseWsProxy', wsProxy);
    project.provide('deadDatabaseWsProxy', `127.0.0.1:${deadBridge.port}`);
    project.provide('postgresKind', pg.kind);

    const gitHub = await startGitGitHubServer({ log });
    stops.push(() => gitHub.stop());
    project.provide('gitGitHubUrl', gitHub.url);
    const openai = await startOpenAIEmbeddingsServer({ apiKey: `test-openai-${crypto.randomUUID()}` });
    stops.push(() => openai.stop());
    project.provide('openaiEmbeddings', { url: openai.url, apiKey: openai.apiKey });

    const redis = await startRedisServer({ log });
    if (redis) {
      stops.push(() => redis.stop());
      const upstash = await startUpstashRestServer({ redis, token: `test-upstash-${crypto.randomUUID()}`, log });
      stops.push(() => upstash.stop());
      project.provide('upstash', { url: upstash.url, token: upstash.token });
    } else {
      console.warn('[test setup] SKIPPING the Upstash adapter tests: no redis-server binary found (apt-get install redis-server).');
      project.provide('upstash', null);
    }
    console.log(`[test setup] ledger: ${pg.kind} on ${pg.port} via bridge ${bridge.port}; upstash: ${redis ? `redis-server on ${redis.port}` : 'skipped'}`);
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }

  return async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.warn(`[test teardown] ${error}`));
  };
}
