import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../support/http';
import { scenario } from '../intents/helpers';

// This project's INTENT_POLICY sets requireDifferentPerson: false (test/vitest.config.ts), in the Worker's env
// and the ledger object's alike; the default (a different person) is tested in test/routes/intents/.

describe('requireDifferentPerson: false', () => {
  it('lets the same person approve through another client; the same key and the GPT still may not', async () => {
    const s = scenario();
    const intent = await s.propose('human', { kind: 'restart', target: 'production' });
    const own = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human');
    expectProblem(own, 403, 'policy_denied');
    expect(own.body.rule).toBe('approver-not-proposer');
    const gpt = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'gpt');
    expectProblem(gpt, 403, 'policy_denied');
    expect(gpt.body.rule).toBe('gpt-never-approves');
    const approved = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'cursor');
    expectStatus(approved, 200);
    expect(approved.body.intent).toMatchObject({ state: 'approved', approval: { by: 'cursor:alice' } });
    // The ledger object decided the approval with the same setting, and recorded it.
    expect((await s.audit(`intent:${intent.id}`)).at(-1)).toMatchObject({
      action: 'intent.approve',
      actor: { client: 'cursor', person: 'alice' },
      detail: { rule: 'approval-allowed', to: 'approved' },
    });
  });
});
