// What test/support/global-setup.ts provides to the tests (`inject(...)`); Node-free, so both type projects read it.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseWsProxy: string;
    /** A bridge whose Postgres is not there: for "ledger down" tests. */
    deadDatabaseWsProxy: string;
    postgresKind: string;
    /** A separate, migrated database whose chain tests may tamper with. */
    scratchDatabaseUrl: string;
    upstash: { url: string; token: string } | null;
    /**
     * The local GitHub (src/local/upstreams/github): generated repositories for the visibility routes,
     * git-backed fixtures (made through its /_fixtures API) for the indexer, Actions for the intents;
     * and a URL where nothing listens.
     */
    github: { url: string; token: string; unreachableUrl: string };
    /** A local WordPress stand-in; sites live under `${wordpressUrl}/${scenario}`. */
    wordpressUrl: string;
    /** A local Cloudways API stand-in; `${cloudwaysUrl}/${scenario}/${run}/api/v1`. */
    cloudwaysUrl: string;
    /** A migrated database of its own for audit rotation, which rewrites the whole chain. */
    isolatedDatabaseUrl: string;
    /** OpenAI-compatible embeddings (base URL ending in /v1, and the key it accepts). */
    openaiEmbeddings: { url: string; apiKey: string };
    /** A local Cloudflare Access key server; a team lives under `${accessUrl}/${team}` (its ACCESS_TEAM_DOMAIN). */
    accessUrl: string;
  }
}
