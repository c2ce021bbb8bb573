import { DurableObject } from 'cloudflare:workers';
import { objectConfig, type Env } from '../config';
import type { AuditActor, AuditEntry, AuditInput } from '../audit/log';
import { ContextSingleWriter } from '../context/single-writer';
import type {
  ContextClearRequest,
  ContextClearResult,
  ContextWriteRequest,
  ContextWriteResult,
} from '../context/write-types';
import { Logger } from '../lib/log';
import { outcomeOf, type Outcome } from '../ledger/object-client';
import { ChainWriter, type ChainHead, type WriterStats } from '../ledger/writer';
import {
  executeIntentOperation,
  type IntentOperationContext,
  type IntentOperationOutcome,
} from '../intents/ledger-port';
import type { IntentOperation, IntentOperationArgs } from '../intents/transitions';
import { intentsConfig } from '../intents/config';
import { RedactionTally } from '../redaction/redact';
import { contextStoreFor, eventPublisherFor, ledgerPoolFor } from '../wiring';

/** What the object keeps warm once built from its own configuration: the chain writer and the context writes. */
interface Parts {
  log: Logger;
  writer: ChainWriter;
  context: ContextSingleWriter;
}

/**
 * The ledger of one project (and database): the only writer of its audit chain, holding a warm
 * Postgres pool across requests. It reads its configuration (database, context store, event hub, intent
 * policy) from its own `env`, parsed once per isolate; each method is one typed operation carrying domain data only.
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
        append: (actor, input, hooks) => writer.append(actor, input, hooks),
        // Every event passes the secret scanner here too; the request's own tally already counted its input.
        publisher: (project) => eventPublisherFor(this.env.EVENT_HUB, project, log, new RedactionTally()),
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
