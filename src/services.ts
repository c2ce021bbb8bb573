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
import type { AnswerCache } from './cache/answer-cache';
import { UpstashAnswerCache } from './adapters/cache-upstash';
import { DurableObjectAnswerCache } from './adapters/cache-durable-object';
import { githubServiceFor, type GitHubService } from './github';

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
  /** Short-lived cached answers, in the context store's backend. */
  answerCache: AnswerCache;
  /** GitHub visibility for this deployment; throws 501 `not_configured` without GITHUB_TOKEN/GITHUB_REPO. */
  github(): GitHubService;
}

export function contextStoreFor(config: Config, env: Env): ContextStore {
  switch (config.context.kind) {
    case 'upstash':
      return new UpstashContextStore(config.context);
    case 'durable-object':
      return new DurableObjectContextStore(env.CONTEXT_STORE);
  }
}

export function answerCacheFor(config: Config, env: Env): AnswerCache {
  switch (config.context.kind) {
    case 'upstash':
      return new UpstashAnswerCache(config.context);
    case 'durable-object':
      return new DurableObjectAnswerCache(env.CONTEXT_STORE, config.projectId);
  }
}

export function buildServices(config: Config, env: Env, log: Logger, requestId: string): Services {
  const ledger = new Ledger(config.database, log);
  const contextStore = contextStoreFor(config, env);
  const events: EventPublisher = new SilentEventPublisher();
  const answerCache = answerCacheFor(config, env);
  let github: GitHubService | undefined;
  const services: Services = {
    config,
    log,
    ledger,
    contextStore,
    events,
    answerCache,
    github: () => (github ??= githubServiceFor(config, answerCache, log)),
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
