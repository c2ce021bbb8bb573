import type { Caller } from './auth/keys';
import type { Config, Env } from './config';
import { Ledger } from './db/client';
import { AuditLog } from './audit/log';
import { ContextService } from './context/service';
import type { ContextStore } from './context/store';
import { UpstashContextStore } from './adapters/context-upstash';
import { DurableObjectContextStore } from './adapters/context-durable-object';
import type { QueryLogStore } from './queries/log';
import { UpstashQueryLogStore } from './adapters/query-log-upstash';
import { DurableObjectQueryLogStore } from './adapters/query-log-durable-object';
import { SilentEventPublisher, type EventPublisher } from './events/publisher';
import type { Logger } from './lib/log';

/** Everything a request may need, built once per request from validated config. */
export interface Services {
  config: Config;
  log: Logger;
  ledger: Ledger;
  contextStore: ContextStore;
  events: EventPublisher;
  /** The GPT's recent queries, in the context store's backend. */
  queryLog: QueryLogStore;
  /** The audit log acting for the current caller. */
  audit(caller: Caller): AuditLog;
  context(caller: Caller): ContextService;
}

export function contextStoreFor(config: Config, env: Env): ContextStore {
  switch (config.context.kind) {
    case 'upstash':
      return new UpstashContextStore(config.context);
    case 'durable-object':
      return new DurableObjectContextStore(env.CONTEXT_STORE);
  }
}

export function queryLogFor(config: Config, env: Env): QueryLogStore {
  return config.context.kind === 'upstash' ? new UpstashQueryLogStore(config.context) : new DurableObjectQueryLogStore(env.CONTEXT_STORE);
}

export function buildServices(config: Config, env: Env, log: Logger, requestId: string): Services {
  const ledger = new Ledger(config.database, log);
  const contextStore = contextStoreFor(config, env);
  const events: EventPublisher = new SilentEventPublisher();
  const services: Services = {
    config,
    log,
    ledger,
    contextStore,
    events,
    queryLog: queryLogFor(config, env),
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
  };
  return services;
}
