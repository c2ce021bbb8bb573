import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../config';
import type { AuditActor, AuditEntry, AuditInput } from '../audit/log';
import type {
  ContextClearRequest,
  ContextClearResult,
  ContextWriteRequest,
  ContextWriteResult,
} from '../context/writes';
import { Logger, type LogLevel } from '../lib/log';
import { outcomeOf, type Outcome } from '../ledger/outcome';
import { ProjectLedger, type LedgerTarget } from '../ledger/project';
import type { ChainHead, WriterStats } from '../ledger/writer';
import {
  executeIntentOperation,
  type IntentOperationContext,
  type IntentOperationOutcome,
} from '../intents/ledger-port';
import type { IntentOperation, IntentOperationArgs } from '../intents/transitions';

/**
 * The ledger of one project (and database): the only writer of its audit chain, holding a warm
 * Postgres pool across requests. Each method is one typed operation; the logic is in src/ledger/.
 */
export class LedgerObject extends DurableObject<Env> {
  #project?: ProjectLedger;
  readonly #log = new Logger((this.env.LOG_LEVEL as LogLevel | undefined) ?? 'info', { component: 'ledger' });

  private project(target: LedgerTarget): ProjectLedger {
    this.#project ??= new ProjectLedger(target, this.env.CONTEXT_STORE, this.#log, this.env.EVENT_HUB);
    return this.#project;
  }

  /** Append entries (group-committed with whatever else is in flight); each settles on its own. */
  append(target: LedgerTarget, actor: AuditActor, inputs: AuditInput[]): Promise<Outcome<AuditEntry>[]> {
    const writer = this.project(target).writer;
    return Promise.all(inputs.map((input) => outcomeOf(this.#log, () => writer.append(actor, input))));
  }

  writeContext(target: LedgerTarget, request: ContextWriteRequest): Promise<Outcome<ContextWriteResult>> {
    return outcomeOf(this.#log, () => this.project(target).context(target.context).write(request));
  }

  clearContext(target: LedgerTarget, request: ContextClearRequest): Promise<Outcome<ContextClearResult>> {
    return outcomeOf(this.#log, () => this.project(target).context(target.context).clear(request));
  }

  /** One intent change (propose, approve, close, start, expire, refuse, progress, finish) and its audit entries, in one transaction. */
  intentOperation<N extends IntentOperation>(
    target: LedgerTarget,
    name: N,
    context: IntentOperationContext,
    args: IntentOperationArgs<N>,
  ): Promise<Outcome<IntentOperationOutcome<N>>> {
    const writer = this.project(target).writer;
    return outcomeOf(this.#log, () =>
      executeIntentOperation((actor, work) => writer.transact(actor, work), name, context, args),
    );
  }

  /** What the writer has done since this instance started, and the head it believes in. */
  stats(): WriterStats & { head: ChainHead | null } {
    const writer = this.#project?.writer;
    return { batches: 0, entries: 0, largestBatch: 0, foreignHeads: 0, ...writer?.stats, head: writer?.head ?? null };
  }
}
