import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { scenario } from '../../intents/helpers';
import type { GetIntentResponse } from '../../../src/routes/intents/get-intent';
import type { ListIntentsResponse } from '../../../src/routes/intents/list-intents';

describe('POST /ai/intents', () => {
  it('records a proposal: 201, state proposed, 24 h expiry, branch head noted, audited with its rule', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    const result = await s.call('POST', '/ai/intents', 'gpt', {
      kind: 'deploy',
      target: 'staging',
      reason: 'ship the login fix',
    });
    expectStatus(result, 201);
    const intent = result.body.intent;
    expect(result.body.created).toBe(true);
    expect(intent).toMatchObject({
      kind: 'deploy',
      target: 'staging',
      state: 'proposed',
      proposedBy: { client: 'gpt' },
      proposedCommit: head,
      approval: null,
      execution: null,
    });
    expect(Date.parse(intent.expiresAt) - Date.parse(intent.createdAt)).toBe(24 * 3600 * 1000);
    expect(intent.summary).toMatch(/deploy staging: waiting for approval/);

    const [entry] = await s.audit(`intent:${intent.id}`);
    expect(entry).toMatchObject({
      action: 'intent.propose',
      actor: { client: 'gpt' },
      detail: { allowed: true, rule: 'proposal-allowed', to: 'proposed' },
    });

    const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'cursor');
    expectStatus(got, 200);
    expect(got.body.decisions).toEqual([
      expect.objectContaining({
        action: 'propose',
        allowed: true,
        rule: 'proposal-allowed',
        toState: 'proposed',
        actor: { client: 'gpt' },
      }),
    ]);
    expect(got.body.decisionsTruncated).toBe(false);
  });

  it('refuses the GPT a deploy to main at proposal, with the rule, audited, and stores nothing', async () => {
    const s = scenario();
    await s.createBranch('main');
    const refused = await s.call('POST', '/ai/intents', 'gpt', {
      kind: 'deploy',
      target: 'main',
      idempotencyKey: 'gpt-main-1',
    });
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toBe('gpt-never-deploys-protected');
    expect(refused.body.detail).toMatch(/main/);

    const entries = await s.audit(`intents:${s.env.PROJECT_ID}`);
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'intent.propose.denied',
        actor: { client: 'gpt' },
        detail: expect.objectContaining({ allowed: false, rule: 'gpt-never-deploys-protected', target: 'main' }),
      }),
    ]);
    const list = await s.call<ListIntentsResponse>('GET', '/ai/intents', 'human');
    expect(list.body.intents).toEqual([]);

    // A human may propose the same deploy.
    expectStatus(await s.call('POST', '/ai/intents', 'human', { kind: 'deploy', target: 'main' }), 201);
  });

  it('is idempotent per proposer and idempotencyKey, including concurrent retries', async () => {
    const s = scenario();
    const body = {
      kind: 'purge-cache',
      target: 'production',
      parameters: { paths: ['/'] },
      idempotencyKey: 'purge-42',
    };
    const first = await s.call('POST', '/ai/intents', 'gpt', body);
    expectStatus(first, 201);
    const again = await s.call('POST', '/ai/intents', 'gpt', { ...body, parameters: { paths: ['/'] } });
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ created: false, intent: { id: first.body.intent.id } });

    const reused = await s.call('POST', '/ai/intents', 'gpt', { ...body, target: 'staging' });
    expectProblem(reused, 409, 'conflict');
    expect(reused.body.intentId).toBe(first.body.intent.id);

    // The key belongs to its proposer: another identity with the same key makes its own intent.
    const other = await s.call('POST', '/ai/intents', 'cursor', body);
    expectStatus(other, 201);
    expect(other.body.intent.id).not.toBe(first.body.intent.id);

    const burst = await Promise.all(
      Array.from({ length: 4 }, () => s.call('POST', '/ai/intents', 'human', { ...body, idempotencyKey: 'burst' })),
    );
    expect(new Set(burst.map((r) => r.body.intent.id)).size, JSON.stringify(burst.map((r) => r.body))).toBe(1);
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    expect(await s.audit(`intent:${burst[0]!.body.intent.id}`)).toHaveLength(1);
  });

  it('validates the body and names the problem', async () => {
    const s = scenario();
    expectProblem(
      await s.call('POST', '/ai/intents', 'human', { kind: 'Deploy!', target: 'staging' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await s.call('POST', '/ai/intents', 'human', { kind: 'deploy', target: 'staging', surprise: 1 }),
      400,
      'validation_failed',
    );
    const unknown = await s.call('POST', '/ai/intents', 'human', { kind: 'launch', target: 'staging' });
    expectProblem(unknown, 403, 'policy_denied');
    expect(unknown.body.rule).toBe('kind-known');
    const unconfigured = await s.call('POST', '/ai/intents', 'human', { kind: 'deploy', target: 'feature/x' });
    expect(unconfigured.body.rule).toBe('target-configured');
  });
});

describeAuthCases('POST', '/ai/intents', ALL_CLIENTS, { body: { kind: 'restart', target: 'production' } });
