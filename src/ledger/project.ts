import type { Ledger } from '../db/client';
import type { ContextBackend } from '../config';
import { ContextWrites } from '../context/writes';
import type { ContextStoreObject } from '../objects/context-store';
import type { Logger } from '../lib/log';
import type { EventHubObject } from '../objects/event-hub';
import { RedactionTally } from '../redaction/redact';
import { ChainWriter } from './writer';
import { contextStoreFor, eventPublisherFor, ledgerFor } from '../wiring';

/** What a request tells its ledger object about where things live (validated config; bindings stay with the object). */
export interface LedgerTarget {
  database: { url: string; wsProxy?: string };
  context: ContextBackend;
}

/** Everything a project's ledger object keeps warm: the pool, the chain writer, the context lanes. */
export class ProjectLedger {
  readonly ledger: Ledger;
  readonly writer: ChainWriter;
  #contexts = new Map<string, ContextWrites>();

  constructor(
    target: LedgerTarget,
    private readonly contextNamespace: DurableObjectNamespace<ContextStoreObject>,
    private readonly log: Logger,
    private readonly hubNamespace?: DurableObjectNamespace<EventHubObject>,
  ) {
    this.ledger = ledgerFor({ ...target.database, keepAlive: true }, log);
    this.writer = new ChainWriter(this.ledger, log);
  }

  /** The context writes for one store backend (a deployment has one; tests may point a project at another). */
  context(backend: ContextBackend): ContextWrites {
    const key = backend.kind === 'upstash' ? `upstash:${backend.url}` : 'durable-object';
    let writes = this.#contexts.get(key);
    if (!writes) {
      writes = new ContextWrites({
        store: contextStoreFor(backend, this.contextNamespace),
        append: (actor, input, hooks) => this.writer.append(actor, input, hooks),
        // Every event passes the secret scanner here too; the request's own tally already counted its input.
        publisher: (project, retention) =>
          eventPublisherFor(this.hubNamespace, project, retention, this.log, new RedactionTally()),
        log: this.log,
      });
      this.#contexts.set(key, writes);
    }
    return writes;
  }
}
