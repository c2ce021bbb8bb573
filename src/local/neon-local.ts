import type { NeonConfig } from '@neondatabase/serverless';

/** The driver settings that differ from Neon's defaults when talking to our local bridge. */
export type NeonLocalSettings = Pick<
  NeonConfig,
  'wsProxy' | 'useSecureWebSocket' | 'pipelineConnect' | 'pipelineTLS' | 'forceDisablePgSSL'
>;

/**
 * Settings for a plain Postgres behind the local WebSocket bridge (`src/local/pg-ws-bridge.ts`).
 * `bridgeHostPort` is like `127.0.0.1:5480`. Kept free of Node imports: Worker code uses it too.
 */
export function neonLocalSettings(bridgeHostPort: string): NeonLocalSettings {
  return {
    // The bridge always connects to its own configured Postgres, so no `?address=` is sent.
    wsProxy: () => `${bridgeHostPort}/v2`,
    // Plain ws:// on loopback, and no Postgres-level TLS: a local server has no certificate.
    useSecureWebSocket: false,
    forceDisablePgSSL: true,
    pipelineTLS: false,
    // Pipelining assumes cleartext password auth; local servers ask for SCRAM (or nothing).
    pipelineConnect: false,
  };
}

/**
 * Applies the local settings to `neonConfig` (the class, for process-wide defaults, or an
 * instance). The settings are global to the driver, so apply them before opening a Pool.
 */
export function applyNeonLocalSettings(neonConfig: Partial<NeonConfig>, bridgeHostPort: string): void {
  Object.assign(neonConfig, neonLocalSettings(bridgeHostPort));
}
