import type { Caller } from '../auth/keys';
import type { AuditActor, AuditScope } from '../audit/log';
import type { IntentPolicy } from './policy';
import { IntentRecords, PendingEvents, type QueuedEvent } from './records';
import {
  runIntentOperation,
  type IntentOperation,
  type IntentOperationArgs,
  type IntentOperationResult,
} from './transitions';

export interface IntentOperationContext {
  project: string;
  caller: Caller;
  requestId: string;
  now: Date;
}

export interface IntentOperationOutcome<N extends IntentOperation> {
  result: IntentOperationResult<N>;
  /** What to publish now that it committed. */
  events: QueuedEvent[];
}

/** Where intent changes run: the project's ledger object (LedgerObjectClient, objects/ledger.ts). */
export interface IntentTransactions {
  run<N extends IntentOperation>(
    name: N,
    context: IntentOperationContext,
    args: IntentOperationArgs<N>,
  ): Promise<IntentOperationOutcome<N>>;
}

type Transact = <T>(actor: AuditActor, work: (scope: AuditScope) => Promise<T>) => Promise<T>;

/**
 * Run a named intent operation in a transaction `transact` opens (with the chain lock), deciding with
 * `policy`: the ledger object's own, read from its env (never an argument of the call into the object).
 */
export async function executeIntentOperation<N extends IntentOperation>(
  transact: Transact,
  policy: IntentPolicy,
  name: N,
  context: IntentOperationContext,
  args: IntentOperationArgs<N>,
): Promise<IntentOperationOutcome<N>> {
  const now = new Date(context.now);
  const records = new IntentRecords({ project: context.project, caller: context.caller, now: () => now });
  const events = new PendingEvents();
  const result = await transact({ caller: context.caller, requestId: context.requestId }, (scope) =>
    runIntentOperation(name, { records, scope, events, now, policy }, args),
  );
  return { result, events: events.drain() };
}

/** The Worker's way to change intents: a named operation through the ledger, its events published after commit. */
export class IntentOperations {
  constructor(
    private readonly records: IntentRecords,
    private readonly transactions: IntentTransactions,
    private readonly context: { requestId?: string; now: () => Date },
  ) {}

  async run<N extends IntentOperation>(name: N, args: IntentOperationArgs<N>): Promise<IntentOperationResult<N>> {
    const { project, caller } = this.records;
    const context = { project, caller, requestId: this.context.requestId ?? 'intents', now: this.context.now() };
    const { result, events } = await this.transactions.run(name, context, args);
    for (const event of events) await this.records.publish(event.type, event.summary, event.data);
    return result;
  }
}
