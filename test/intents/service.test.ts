import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/log';
import { LedgerPool } from '../../src/db/pool';
import { Logger } from '../../src/lib/log';
import { ApiError } from '../../src/errors';
import type { Caller } from '../../src/auth/keys';
import type { EventPublisher, ProjectEvent } from '../../src/events/publisher';
import { IntentService } from '../../src/intents/service';
import { LedgerObjectClient } from '../../src/objects/ledger';
import { intentsConfig } from '../../src/intents/config';
import { UnconfiguredIntentGitHub } from '../../src/intents/github';
import type { HostingOperation, HostingOperations, HostingResult } from '../../src/intents/ports';
import { backdate } from './helpers';

/** A hosting adapter whose answers the test scripts, counting calls. */
class ScriptedHosting implements HostingOperations {
  readonly configured = true;
  calls: { operation: HostingOperation; target: string }[] = [];
  constructor(
    private readonly answer: () => Promise<HostingResult>,
    private readonly healthAnswer: 'healthy' | 'unhealthy' = 'healthy',
  ) {}
  async health() {
    return this.healthAnswer;
  }
  async perform(operation: HostingOperation, target: string) {
    this.calls.push({ operation, target });
    return this.answer();
  }
}

class RecordingPublisher implements EventPublisher {
  events: ProjectEvent[] = [];
  async publish(event: ProjectEvent) {
    this.events.push(event);
  }
}

const GPT: Caller = { client: 'gpt', label: 'gpt' };
const ALICE: Caller = { client: 'human', person: 'alice', label: 'human:alice' };

const ledgers: LedgerPool[] = [];
afterEach(async () => {
  for (const ledger of ledgers.splice(0)) await ledger.close();
});

/** Two callers of one fresh project, as the Worker builds them: the deployment's policy, changes run in the ledger object. */
function world(hosting: HostingOperations) {
  const project = `svc-${crypto.randomUUID().slice(0, 12)}`;
  const events = new RecordingPublisher();
  const as = (caller: Caller) => {
    const database = { url: env.DATABASE_URL as string, wsProxy: env.DATABASE_WS_PROXY as string };
    const ledger = new LedgerPool(database, new Logger('silent'));
    ledgers.push(ledger);
    return new IntentService({
      project,
      // The policy the ledger object reads from the same env (test/support/intent-policy.ts).
      policy: intentsConfig(env).policy,
      ledgerPool: ledger,
      // The production path: each change runs in the project's ledger object, in one transaction with its audit entry.
      transactions: new LedgerObjectClient(env.LEDGER, { projectId: project, database }),
      audit: new AuditLog(ledger, { caller, requestId: `req-${crypto.randomUUID()}` }),
      events,
      caller,
      github: new UnconfiguredIntentGitHub(),
      hosting,
      log: new Logger('silent'),
      dispatchConfirmSeconds: 900,
    });
  };
  return { published: events.events, gpt: as(GPT), alice: as(ALICE) };
}

async function approvedOperation(w: ReturnType<typeof world>, kind = 'restart') {
  const { intent } = await w.gpt.propose({ kind, target: 'production', parameters: {} });
  await w.alice.approve(intent.id);
  return intent.id;
}

describe('IntentService with a configured hosting adapter', () => {
  it('runs a hosting operation once and records success, publishing every transition on the intents topic', async () => {
    const hosting = new ScriptedHosting(async () => ({ status: 'done', detail: 'restarted in 4 s' }));
    const w = world(hosting);
    const id = await approvedOperation(w);
    const { intent, started } = await w.alice.execute(id);
    expect(started).toBe(true);
    expect(intent).toMatchObject({
      state: 'succeeded',
      outcome: 'restarted in 4 s',
      execution: { status: 'finished', attempt: 1 },
    });
    expect(hosting.calls).toEqual([{ operation: 'restart', target: 'production' }]);
    expect((await w.gpt.execute(id)).started).toBe(false);
    expect(hosting.calls).toHaveLength(1);
    expect(w.published.every((e) => e.topic === 'intents')).toBe(true);
    expect(w.published.map((e) => e.type)).toEqual([
      'intent.proposed',
      'intent.approved',
      'intent.executing',
      'intent.succeeded',
    ]);
    expect(w.published[1]).toMatchObject({
      actor: { client: 'human', person: 'alice' },
      data: { id, state: 'approved', from: 'proposed', rule: 'approval-allowed' },
    });
  });

  it('records a failing or throwing hosting operation as failed, never lost', async () => {
    const failing = world(new ScriptedHosting(async () => ({ status: 'failed', detail: 'server busy' })));
    const a = await approvedOperation(failing);
    expect((await failing.alice.execute(a)).intent).toMatchObject({ state: 'failed', outcome: 'server busy' });

    const throwing = world(
      new ScriptedHosting(async () => {
        throw new ApiError('upstream_unavailable', 'Cloudways could not be reached.');
      }),
    );
    const b = await approvedOperation(throwing);
    expect((await throwing.alice.execute(b)).intent).toMatchObject({
      state: 'failed',
      outcome: 'Cloudways could not be reached.',
    });
  });

  it('publishes refusals too', async () => {
    const w = world(new ScriptedHosting(async () => ({ status: 'done' })));
    const { intent } = await w.gpt.propose({ kind: 'restart', target: 'production', parameters: {} });
    await expect(w.gpt.approve(intent.id)).rejects.toMatchObject({ code: 'policy_denied' });
    expect(w.published.at(-1)).toMatchObject({
      topic: 'intents',
      type: 'intent.denied',
      data: { rule: 'gpt-never-approves', action: 'approve.denied' },
    });
    await expect(w.gpt.propose({ kind: 'deploy', target: 'main', parameters: {} })).rejects.toMatchObject({
      code: 'policy_denied',
    });
    expect(w.published.at(-1)).toMatchObject({ type: 'intent.denied', data: { rule: 'gpt-never-deploys-protected' } });
  });

  it('the hosting-healthy preflight keeps an unhealthy target from running', async () => {
    const hosting = new ScriptedHosting(async () => ({ status: 'done' }), 'unhealthy');
    const w = world(hosting);
    // The test policy's purge-cache waits for a healthy server.
    const id = await approvedOperation(w, 'purge-cache');
    await expect(w.alice.execute(id)).rejects.toMatchObject({
      code: 'policy_denied',
      extra: { rule: 'preflight-hosting-healthy' },
    });
    expect(hosting.calls).toEqual([]);
    // On a healthy server the same kind runs.
    const healthy = new ScriptedHosting(async () => ({ status: 'done' }));
    const h = world(healthy);
    expect((await h.alice.execute(await approvedOperation(h, 'purge-cache'))).intent.state).toBe('succeeded');
    expect(healthy.calls).toEqual([{ operation: 'purge-cache', target: 'production' }]);
  });

  it('says when the decision history is longer than what it shows', async () => {
    const w = world(new ScriptedHosting(async () => ({ status: 'done' })));
    const id = await approvedOperation(w);
    await expect(w.gpt.approve(id)).rejects.toMatchObject({ code: 'policy_denied' });
    const short = await w.alice.get(id, 2);
    expect(short.decisions.map((d) => d.action)).toEqual(['propose', 'approve']);
    expect(short.decisionsTruncated).toBe(true);
    expect((await w.alice.get(id, 3)).decisionsTruncated).toBe(false);
  });

  it('a late approve of an approved intent whose proposal expired leaves the approval alone', async () => {
    const w = world(new ScriptedHosting(async () => ({ status: 'done' })));
    const id = await approvedOperation(w);
    await backdate.proposal(id);
    await expect(w.gpt.approve(id)).rejects.toMatchObject({ code: 'policy_denied' });
    expect((await w.alice.get(id)).intent.state).toBe('approved');
    expect((await w.alice.execute(id)).intent.state).toBe('succeeded');
  });
});
