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
import { IndexService } from './indexing/service';
import { loadIndexConfig } from './indexing/config';

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
  /** The code index (built on first use: it parses its own config section). */
  indexing(): IndexService;
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
  let indexing: IndexService | undefined;
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
    indexing: () => (indexing ??= new IndexService(loadIndexConfig(config.vars), env, config.projectId)),
  };
  return services;
}
