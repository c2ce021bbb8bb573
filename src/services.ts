import type { Caller } from './auth/keys';
import type { Config, Env } from './config';
import { Ledger } from './db/client';
import { AuditLog } from './audit/log';
import { ContextService } from './context/service';
import type { ContextStore } from './context/store';
import { UpstashContextStore } from './adapters/context-upstash';
import { DurableObjectContextStore } from './adapters/context-durable-object';
import { SilentEventPublisher, type EventPublisher } from './events/publisher';
import type { Logger } from './lib/log';
import { buildHosting, type Hosting } from './hosting/service';
import { DurableObjectMetricsSink, NoMetricsSink, type MetricsSink } from './metrics/sink';

/** Everything a request may need, built once per request from validated config. */
export interface Services {
  config: Config;
  log: Logger;
  ledger: Ledger;
  contextStore: ContextStore;
  events: EventPublisher;
  /** The audit log acting for the current caller. */
  audit(caller: Caller): AuditLog;
  context(caller: Caller): ContextService;
  /** WordPress and Cloudways adapters, parsed on first use (a hosting misconfiguration only fails hosting calls). */
  readonly hosting: Hosting;
  /** Request metrics, aggregated per project in a Durable Object when METRICS is bound. */
  metrics: MetricsSink;
  /** The R2 bucket audit archives go to, when bound. */
  archive?: R2Bucket;
}

export function contextStoreFor(config: Config, env: Env): ContextStore {
  switch (config.context.kind) {
    case 'upstash':
      return new UpstashContextStore(config.context);
    case 'durable-object':
      return new DurableObjectContextStore(env.CONTEXT_STORE);
  }
}

export function buildServices(config: Config, env: Env, log: Logger, requestId: string): Services {
  const ledger = new Ledger(config.database, log);
  const contextStore = contextStoreFor(config, env);
  const events: EventPublisher = new SilentEventPublisher();
  let hosting: Hosting | undefined;
  const services: Services = {
    config,
    log,
    ledger,
    contextStore,
    events,
    audit: (caller) => new AuditLog(ledger, { caller, requestId }),
    context: (caller) =>
      new ContextService({
        project: config.projectId,
        ttlSeconds: config.contextTtlSeconds,
        store: contextStore,
        audit: services.audit(caller),
        events,
        caller,
      }),
    get hosting() {
      hosting ??= buildHosting(config.vars);
      return hosting;
    },
    metrics: env.METRICS ? new DurableObjectMetricsSink(env.METRICS, config.projectId) : new NoMetricsSink(),
    archive: env.ARCHIVE,
  };
  return services;
}
