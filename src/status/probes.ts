import { githubProbe, type GitHubAccess } from '../github/status';
import { eventHubProbe } from '../events/status';
import type { EventHubClient } from '../events/hub-client';
import { indexProbe, type IndexAccess } from '../code-index/status';
import { sql } from 'drizzle-orm';
import type { ContextStore } from '../context/store';
import type { LedgerPool } from '../db/pool';
import type { LedgerObjectClient } from '../objects/ledger';
import type { Hosting } from '../hosting/service';
import type { LayerProbe } from './probe';

/** Everything the layer probes use together (each probe takes only its part). */
export type ProbeAccess = ContextStoreAccess &
  LedgerAccess &
  HostingAccess &
  GitHubAccess &
  IndexAccess & { eventHub: EventHubClient | null };

interface ContextStoreAccess {
  contextStore: ContextStore;
  config: { projectId: string };
}
interface LedgerAccess {
  ledgerPool: LedgerPool;
  ledgerObject: Pick<LedgerObjectClient, 'stats'>;
}
interface HostingAccess {
  /** Read when the probe runs: building the hosting adapters may fail, and only these probes should say so. */
  readonly hosting: Hosting;
}

/**
 * Every layer `/ai/status`, the uptime cron and the review report on. Another
 * area plugs its layer in by adding one factory here (GitHub: rate limit
 * remaining; index: freshness; event hub: listeners).
 */
export const LAYER_PROBES: readonly ((services: ProbeAccess) => LayerProbe)[] = [
  contextStoreProbe,
  ledgerProbe,
  wordpressProbe,
  cloudwaysProbe,
  githubProbe,
  eventHubProbe,
  indexProbe,
];

export function layerProbes(services: ProbeAccess): LayerProbe[] {
  return LAYER_PROBES.map((factory) => factory(services));
}

function contextStoreProbe({ contextStore: store, config }: ContextStoreAccess): LayerProbe {
  return {
    layer: 'context',
    critical: true,
    async check() {
      try {
        const { current } = await store.read(config.projectId);
        return {
          state: 'ok',
          reason: `${store.kind} answered; ${current ? `live context v${current.version}` : 'no live context'}`,
          details: { backend: store.kind },
        };
      } catch {
        return {
          state: 'down',
          reason: `the context store (${store.kind}) is unreachable`,
          details: { backend: store.kind },
        };
      }
    },
  };
}

function ledgerProbe({ ledgerPool: ledger, ledgerObject }: LedgerAccess): LayerProbe {
  return {
    layer: 'ledger',
    critical: true,
    async check() {
      try {
        await ledger.use((db) => db.execute(sql`select 1`));
        // What the project's ledger object has committed since it started: entries per transaction shows the group commit.
        const writer = await ledgerObject.stats().catch(() => undefined);
        return { state: 'ok', reason: 'Postgres answered', ...(writer ? { details: { writer } } : {}) };
      } catch {
        return { state: 'down', reason: 'Postgres (audit and intents) is unreachable' };
      }
    },
  };
}

function wordpressProbe(services: HostingAccess): LayerProbe {
  return {
    layer: 'wordpress',
    critical: false,
    async check() {
      const wordpress = services.hosting.wordpress;
      if (!wordpress) return { state: 'unconfigured', reason: 'WP_REST_ENDPOINT is not set', latencyMs: 0 };
      const health = await wordpress.health();
      return {
        state: health.state,
        reason: health.reason,
        latencyMs: health.latencyMs,
        details: { version: health.version, siteHealthCritical: health.siteHealth?.critical ?? null },
      };
    },
  };
}

function cloudwaysProbe(services: HostingAccess): LayerProbe {
  return {
    layer: 'cloudways',
    critical: false,
    async check() {
      const cloudways = services.hosting.cloudways;
      if (!cloudways) return { state: 'unconfigured', reason: 'CW_EMAIL and CW_API_KEY are not set', latencyMs: 0 };
      const health = await cloudways.health();
      return {
        state: health.state,
        reason: health.reason,
        latencyMs: health.latencyMs,
        details: health.servers ? { servers: health.servers.total, running: health.servers.running } : undefined,
      };
    },
  };
}
