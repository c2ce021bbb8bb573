import { DurableObject } from 'cloudflare:workers';
import { objectConfig, type Config, type Env } from '../config';
import { ApiError, type ErrorCode } from '../errors';
import type { AuditActor, AuditEntry, AuditInput } from '../audit/log';
import { ContextSingleWriter } from '../context/single-writer';
import type {
  ContextClearRequest,
  ContextClearResult,
  ContextWriteRequest,
  ContextWriteResult,
  ContextWriter,
} from '../context/write-types';
import { describeError, Logger } from '../lib/log';
import { ChainWriter, type ChainHead, type WriterStats } from '../ledger/writer';
import {
  executeIntentOperation,
  type IntentOperationContext,
  type IntentOperationOutcome,
  type IntentTransactions,
} from '../intents/ledger-port';
import type { IntentOperation, IntentOperationArgs } from '../intents/transitions';
import { intentsConfig } from '../intents/config';
import { contextStoreFor, eventPublisherFor, ledgerPoolFor } from '../wiring';

/** What the object keeps warm once built from its own configuration: the chain writer and the context writes. */
interface Parts {
  log: Logger;
  writer: ChainWriter;
  context: ContextSingleWriter;
}

/** The ledger object's stub, as the Worker holds it. */
type LedgerStub = ReturnType<DurableObjectNamespace<LedgerObject>['get']>;

/**
 * The ledger of one project (and database): the only writer of its audit chain, holding a warm
 * Postgres pool across requests. It reads its configuration (database, context store and lifetime, event hub,
 * intent policy) from its own `env`, parsed once per isolate; each method is one typed operation carrying domain data only.
 */
export class LedgerObject extends DurableObject<Env> {
  #parts?: Parts;

  private parts(): Parts {
    if (!this.#parts) {
      const config = objectConfig(this.env);
      const log = new Logger(config.logLevel, { component: 'ledger' });
      const writer = new ChainWriter(ledgerPoolFor({ ...config.database, keepAlive: true }, log), log);
      const context = new ContextSingleWriter({
        store: contextStoreFor(config.context, this.env.CONTEXT_STORE),
        ttlSeconds: config.contextTtlSeconds,
        append: (actor, input, hooks) => writer.append(actor, input, hooks),
        // The hub redacts what it is told; the request's own tally already counted the write's input.
        publisher: (project) => eventPublisherFor(this.env.EVENT_HUB, project, log),
        log,
      });
      this.#parts = { log, writer, context };
    }
    return this.#parts;
  }

  /** Append entries (group-committed with whatever else is in flight); each settles on its own. */
  append(actor: AuditActor, inputs: AuditInput[]): Promise<Outcome<AuditEntry>[]> {
    const { log, writer } = this.parts();
    return Promise.all(inputs.map((input) => outcomeOf(log, () => writer.append(actor, input))));
  }

  writeContext(request: ContextWriteRequest): Promise<Outcome<ContextWriteResult>> {
    const { log, context } = this.parts();
    return outcomeOf(log, () => context.write(request));
  }

  clearContext(request: ContextClearRequest): Promise<Outcome<ContextClearResult>> {
    const { log, context } = this.parts();
    return outcomeOf(log, () => context.clear(request));
  }

  /**
   * One intent change (propose, approve, close, start, expire, refuse, progress, finish) and its audit entries, in
   * one transaction, decided with the object's own INTENT_POLICY (the Worker's, as both read the deployment's env).
   * A policy that does not parse fails only intent changes, as `misconfigured`, never the chain or the context.
   */
  intentOperation<N extends IntentOperation>(
    name: N,
    context: IntentOperationContext,
    args: IntentOperationArgs<N>,
  ): Promise<Outcome<IntentOperationOutcome<N>>> {
    const { log, writer } = this.parts();
    return outcomeOf(log, () =>
      executeIntentOperation(
        (actor, work) => writer.transact(actor, work),
        intentsConfig(this.env).policy,
        name,
        context,
        args,
      ),
    );
  }

  /** What the writer has done since this instance started, and the head it believes in. */
  stats(): WriterStats & { head: ChainHead | null } {
    const writer = this.#parts?.writer;
    return { batches: 0, entries: 0, largestBatch: 0, foreignHeads: 0, ...writer?.stats, head: writer?.head ?? null };
  }
}

/**
 * The Worker's side of the project's ledger object. The object is named by project and database,
 * so one object owns one chain's connection. A call the object never answered (it restarted, the
 * runtime dropped it) is reported as `ledger_unavailable`: its write may or may not be in the chain.
 */
export class LedgerObjectClient implements ContextWriter, IntentTransactions {
  #stub?: Promise<LedgerStub>;

  constructor(
    private readonly namespace: DurableObjectNamespace<LedgerObject>,
    private readonly config: Pick<Config, 'projectId' | 'database'>,
  ) {}

  async record(actor: AuditActor, input: AuditInput): Promise<AuditEntry> {
    const [outcome] = await this.appendAll(actor, [input]);
    return unwrap(outcome!);
  }

  /** Several entries in one call (one batch); each succeeds or fails on its own. */
  appendAll(actor: AuditActor, inputs: AuditInput[]): Promise<Outcome<AuditEntry>[]> {
    return this.call((stub) => stub.append(actor, inputs) as Promise<Outcome<AuditEntry>[]>);
  }

  async write(request: ContextWriteRequest): Promise<ContextWriteResult> {
    return unwrap(await this.call((stub) => stub.writeContext(request) as Promise<Outcome<ContextWriteResult>>));
  }

  async clear(request: ContextClearRequest): Promise<ContextClearResult> {
    return unwrap(await this.call((stub) => stub.clearContext(request) as Promise<Outcome<ContextClearResult>>));
  }

  /** What the object's writer has committed since it started (entries, transactions, largest batch). */
  stats(): Promise<WriterStats> {
    return this.call(async (stub) => {
      const { batches, entries, largestBatch, foreignHeads } = (await stub.stats()) as WriterStats;
      return { batches, entries, largestBatch, foreignHeads };
    });
  }

  /** An intent change, run in the object in one transaction with its audit entry. */
  async run<N extends IntentOperation>(
    name: N,
    context: IntentOperationContext,
    args: IntentOperationArgs<N>,
  ): Promise<IntentOperationOutcome<N>> {
    const outcome = await this.call(
      (stub) => stub.intentOperation(name, context, args as never) as Promise<Outcome<IntentOperationOutcome<N>>>,
    );
    return unwrap(outcome);
  }

  private async call<T>(work: (stub: LedgerStub) => Promise<T>): Promise<T> {
    this.#stub ??= this.stub();
    const stub = await this.#stub;
    try {
      return await work(stub);
    } catch (error) {
      throw new ApiError(
        'ledger_unavailable',
        'The audit ledger did not answer; this change may or may not have been recorded. Read it back before retrying.',
        {
          internal: error,
        },
      );
    }
  }

  private async stub(): Promise<LedgerStub> {
    return this.namespace.get(this.namespace.idFromName(await ledgerObjectName(this.config)));
  }
}

/** Names already worked out in this isolate (plain strings, safe to share across requests; bounded). */
const objectNames = new Map<string, string>();

/** One object per project and database: the database part is a digest, so no credential is in the name. */
export async function ledgerObjectName(config: Pick<Config, 'projectId' | 'database'>): Promise<string> {
  const database = `${config.database.url}|${config.database.wsProxy ?? ''}`;
  const key = `${config.projectId}|${database}`;
  let name = objectNames.get(key);
  if (!name) {
    name = await digestName(config.projectId, database);
    if (objectNames.size >= 1_000) objectNames.clear();
    objectNames.set(key, name);
  }
  return name;
}

async function digestName(projectId: string, database: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(database));
  const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  return `ledger:${projectId}:${hex}`;
}

/** What crosses the RPC boundary instead of a thrown error: Durable Object RPC keeps only an error's message. */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; detail: string; extra?: Record<string, unknown> } };

/** Object side: run `work`; a typed error travels as data, anything else is logged here and becomes `internal`. */
export async function outcomeOf<T>(log: Logger, work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) {
      if (error.internal !== undefined)
        log.warn('ledger operation failed', { code: error.code, cause: describeError(error.internal) });
      return {
        ok: false,
        error: { code: error.code, detail: error.message, ...(error.extra ? { extra: error.extra } : {}) },
      };
    }
    log.error('ledger operation failed unexpectedly', describeError(error));
    return { ok: false, error: { code: 'internal', detail: 'Internal error in the ledger.' } };
  }
}

/** Worker side: the value, or the object's error as the ApiError it was. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ApiError(
    outcome.error.code,
    outcome.error.detail,
    outcome.error.extra ? { extra: outcome.error.extra } : {},
  );
}
