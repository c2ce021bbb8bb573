import type { Config, ContextBackend, Env } from './config';
import { LedgerPool, type LedgerPoolSettings } from './db/pool';
import type { Logger } from './lib/log';
import type { ContextStore } from './context/store';
import { UpstashContextStore } from './adapters/context-upstash';
import type { QueryLogStore } from './queries/log';
import { UpstashQueryLogStore } from './adapters/query-log-upstash';
import { DurableObjectQueryLogStore } from './adapters/query-log-durable-object';
import type { CursorSessionStore } from './cursor/store';
import { UpstashCursorSessionStore } from './adapters/cursor-sessions-upstash';
import { DurableObjectCursorSessionStore } from './adapters/cursor-sessions-durable-object';
import type { AnswerCache } from './cache/answer-cache';
import { UpstashAnswerCache } from './adapters/cache-upstash';
import { DurableObjectAnswerCache } from './adapters/cache-durable-object';
import { SilentEventPublisher, type EventPublisher } from './events/publisher';
import { HubEventPublisher, type EventHubObject } from './objects/event-hub';
import { DurableObjectContextStore, type ContextStoreObject } from './objects/context-store';
import type { RedactionTally } from './redaction/redact';

/**
 * The one place each adapter is chosen from validated configuration: the request's services
 * (src/services.ts), the Durable Objects and the cron all build their adapters here.
 */

/** The context store: Upstash when its URL and token are set, else the project's context store object. */
export function contextStoreFor(
  backend: ContextBackend,
  namespace: DurableObjectNamespace<ContextStoreObject>,
): ContextStore {
  return backend.kind === 'upstash' ? new UpstashContextStore(backend) : new DurableObjectContextStore(namespace);
}

/** The GPT's recent queries follow the context store's backend. */
export function queryLogFor(config: Config, env: Env): QueryLogStore {
  return config.context.kind === 'upstash'
    ? new UpstashQueryLogStore(config.context)
    : new DurableObjectQueryLogStore(env.CONTEXT_STORE);
}

/** Cursor sessions follow the context store's backend. */
export function cursorSessionStoreFor(config: Config, env: Env): CursorSessionStore {
  return config.context.kind === 'upstash'
    ? new UpstashCursorSessionStore(config.context)
    : new DurableObjectCursorSessionStore(env.CONTEXT_STORE);
}

/** Cached answers follow the context store's backend. */
export function answerCacheFor(config: Config, env: Env): AnswerCache {
  return config.context.kind === 'upstash'
    ? new UpstashAnswerCache(config.context)
    : new DurableObjectAnswerCache(env.CONTEXT_STORE, config.projectId);
}

/** The Postgres ledger pool: per request in the Worker, kept warm (`keepAlive`) in a Durable Object. */
export function ledgerPoolFor(settings: LedgerPoolSettings, log: Logger): LedgerPool {
  return new LedgerPool(settings, log);
}

/**
 * A project's event publisher: its hub object when one is bound, silent otherwise. The hub object passes
 * every event through the secret scanner (so no publisher can tell a listener a secret) and answers what
 * it replaced, which joins `tally` (a request's, for its metrics) when one is given.
 */
export function eventPublisherFor(
  hub: DurableObjectNamespace<EventHubObject> | undefined,
  project: string,
  log: Logger,
  tally?: RedactionTally,
): EventPublisher {
  return hub ? new HubEventPublisher(hub, project, log, tally) : new SilentEventPublisher();
}
