import type { Caller } from './auth/keys';
import type { Config, Env } from './config';
import type { LedgerPool } from './db/pool';
import type { EventPublisher } from './events/publisher';
import {
  answerCacheFor,
  contextStoreFor,
  cursorSessionStoreFor,
  eventPublisherFor,
  ledgerPoolFor,
  queryLogFor,
} from './wiring';
import { AuditLog } from './audit/log';
import { LedgerObjectClient } from './objects/ledger';
import { SharedContext } from './context/shared-context';
import type { ContextStore } from './context/store';
import type { QueryLogStore } from './queries/log';
import { loadEventsConfig } from './events/config';
import { EventHubClient } from './events/hub-client';
import type { Logger } from './lib/log';
import { CursorSessionService } from './cursor/service';
import { loadCursorConfig, type CursorConfig } from './cursor/config';
import type { PendingIntentsSource } from './context/prompt-digest';
import type { AnswerCache } from './cache/answer-cache';
import { refreshing } from './cache/refreshing';
import { githubServiceFor, type GitHubService } from './github';
import { buildHosting, type Hosting } from './hosting/service';
import { DurableObjectMetricsSink, NoMetricsSink, type MetricsSink } from './metrics/sink';
import { IntentService } from './intents/service';
import { intentsConfig } from './intents/config';
import { ClientIntentGitHub, UnconfiguredIntentGitHub } from './intents/github';
import { CloudwaysIntentHosting } from './intents/hosting-cloudways';
import { pendingIntentsSource } from './intents/review';
import { IndexService } from './code-index/service';
import { loadIndexConfig } from './code-index/config';
import { RedactionTally } from './redaction/redact';

/** Everything a request may need, built once per request from validated config. */
export interface Services {
  config: Config;
  log: Logger;
  ledgerPool: LedgerPool;
  /** The project's ledger object: audited writes go through it. */
  ledgerObject: LedgerObjectClient;
  contextStore: ContextStore;
  events: EventPublisher;
  /** The GPT's recent queries, in the context store's backend. */
  queryLog: QueryLogStore;
  /** The project's live event hub, or null when no EVENT_HUB is bound. */
  eventHub: EventHubClient | null;
  /** The audit log acting for the current caller. */
  audit(caller: Caller): AuditLog;
  context(caller: Caller): SharedContext;
  cursorConfig: CursorConfig;
  cursorSessions(caller: Caller): CursorSessionService;
  /**
   * Pending intents for GET /ai/context?view=prompt; when listing them fails the
   * digest says intents are unavailable.
   */
  pendingIntents(caller: Caller): PendingIntentsSource;
  /** Short-lived cached answers, in the context store's backend. */
  answerCache: AnswerCache;
  /** GitHub visibility for this deployment; throws 501 `not_configured` without GITHUB_TOKEN/GITHUB_REPO. */
  github(): GitHubService;
  /** WordPress and Cloudways adapters, parsed on first use (a hosting misconfiguration only fails hosting calls). */
  readonly hosting: Hosting;
  /** Request metrics, aggregated per project in a Durable Object when METRICS is bound. */
  metrics: MetricsSink;
  /** The R2 bucket audit archives go to, when bound. */
  archive?: R2Bucket;
  /** The intent lifecycle acting for the current caller (its config is parsed on first use). */
  intents(caller: Caller): IntentService;
  /** The code index (built on first use: it parses its own config section). */
  indexing(): IndexService;
  /** Secrets this request replaced, by kind (never the values): for the audit entry and the metrics. */
  redactions: RedactionTally;
}

export function buildServices(
  config: Config,
  env: Env,
  log: Logger,
  requestId: string,
  options: { refreshCache?: boolean } = {},
): Services {
  const ledgerPool = ledgerPoolFor(config.database, log);
  const ledgerObject = new LedgerObjectClient(env.LEDGER, config);
  const contextStore = contextStoreFor(config.context, env.CONTEXT_STORE);
  const eventsConfig = loadEventsConfig(config.vars);
  const eventHub =
    eventsConfig.hub.kind === 'durable-object'
      ? new EventHubClient(eventsConfig.hub.namespace, config.projectId, eventsConfig)
      : null;
  const redactions = new RedactionTally();
  const events: EventPublisher = eventPublisherFor(
    eventsConfig.hub.kind === 'durable-object' ? eventsConfig.hub.namespace : undefined,
    config.projectId,
    log,
    redactions,
  );
  const stored = answerCacheFor(config, env);
  const answerCache = options.refreshCache ? refreshing(stored) : stored;
  let github: GitHubService | undefined;
  let hosting: Hosting | undefined;
  let indexing: IndexService | undefined;
  const services: Services = {
    config,
    log,
    ledgerPool: ledgerPool,
    ledgerObject: ledgerObject,
    contextStore,
    events,
    queryLog: queryLogFor(config, env),
    eventHub,
    audit: (caller) => new AuditLog(ledgerPool, { caller, requestId }, events, ledgerObject),
    answerCache,
    github: () => (github ??= githubServiceFor(config, answerCache, log)),
    context: (caller) =>
      new SharedContext({
        project: config.projectId,
        store: contextStore,
        writer: ledgerObject,
        caller,
        requestId,
        redactions,
      }),
    cursorConfig: loadCursorConfig(config.vars),
    cursorSessions: (caller) =>
      new CursorSessionService({
        project: config.projectId,
        ttlSeconds: config.contextTtlSeconds,
        maxClockSkewMs: services.cursorConfig.maxClockSkewMs,
        store: cursorSessionStoreFor(config, env),
        audit: services.audit(caller),
        events,
        caller,
        redactions,
      }),
    pendingIntents: (caller) => pendingIntentsSource(services, caller),
    get hosting() {
      hosting ??= buildHosting(config.vars);
      return hosting;
    },
    metrics: env.METRICS ? new DurableObjectMetricsSink(env.METRICS, config.projectId) : new NoMetricsSink(),
    archive: env.ARCHIVE,
    intents: (caller) => {
      const area = intentsConfig(config.vars);
      return new IntentService({
        project: config.projectId,
        policy: area.policy,
        ledgerPool: ledgerPool,
        transactions: ledgerObject,
        audit: services.audit(caller),
        events,
        caller,
        requestId,
        github:
          area.github.kind === 'configured'
            ? new ClientIntentGitHub(services.github().client(), area.github.repo)
            : new UnconfiguredIntentGitHub(),
        hosting: new CloudwaysIntentHosting(services.hosting),
        log,
        dispatchConfirmSeconds: area.dispatchConfirmSeconds,
      });
    },
    indexing: () => (indexing ??= new IndexService(loadIndexConfig(config.vars), env, config.projectId)),
    redactions,
  };
  return services;
}
