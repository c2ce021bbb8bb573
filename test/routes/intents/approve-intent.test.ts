import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { SOME_INTENT_ID, backdate, randomSha, scenario } from '../../intents/helpers';
import type { GetIntentResponse } from '../../../src/routes/intents/get-intent';
import type { ListIntentsResponse } from '../../../src/routes/intents/list-intents';
import type { IntentResultResponse } from '../../../src/routes/intents/approve-intent';

describe('POST /ai/intents/{id}/approve', () => {
  it('a human approves: bound to the branch head, with an approval lifetime, audited', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    const intent = await s.propose('gpt', { kind: 'deploy', target: 'staging' });
    const approved = await s.call<IntentResultResponse>('POST', `/ai/intents/${intent.id}/approve`, 'human', {
      commit: head.slice(0, 10),
    });
    expectStatus(approved, 200);
    expect(approved.body.intent).toMatchObject({ state: 'approved', approval: { by: 'human:alice', commit: head } });
    const approval = approved.body.intent.approval!;
    expect(Date.parse(approval.expiresAt) - Date.parse(approval.at)).toBe(3600 * 1000);
    const entries = await s.audit(`intent:${intent.id}`);
    expect(entries.map((e) => e.action)).toEqual(['intent.propose', 'intent.approve']);
    expect(entries[1]).toMatchObject({
      actor: { client: 'human', person: 'alice' },
      detail: { rule: 'approval-allowed', commit: head, from: 'proposed', to: 'approved' },
    });
    // A retry by the same approver answers the same approval.
    const retry = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human');
    expectStatus(retry, 200);
    expect(retry.body.intent.version).toBe(approved.body.intent.version);
  });

  it('refuses an approval for a commit other than the head the approver reviewed', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const intent = await s.propose('cursorBob', { kind: 'deploy', target: 'staging' });
    const stale = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human', { commit: randomSha() });
    expectProblem(stale, 409, 'conflict');
    expect(stale.body.detail).toMatch(
      /^You reviewed [0-9a-f]{12} but staging is at [0-9a-f]{12}; review the new commit and approve again\.$/,
    );
    expect(stale.body.currentCommit).toMatch(/^[0-9a-f]{40}$/);
    expect((await s.call('GET', `/ai/intents/${intent.id}`, 'human')).body.intent.state).toBe('proposed');
  });

  describe('the GPT can never approve, by any route', () => {
    it("approving a human's proposal: refused with the rule, the refusal in history and audit", async () => {
      const s = scenario();
      const intent = await s.propose('human', { kind: 'restart', target: 'production' });
      const refused = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'gpt');
      expectProblem(refused, 403, 'policy_denied');
      expect(refused.body.rule).toBe('gpt-never-approves');
      const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
      expect(got.body.intent.state).toBe('proposed');
      expect(got.body.decisions.at(-1)).toMatchObject({
        action: 'approve.denied',
        allowed: false,
        rule: 'gpt-never-approves',
        actor: { client: 'gpt' },
        fromState: 'proposed',
        toState: 'proposed',
      });
      expect((await s.audit(`intent:${intent.id}`)).at(-1)).toMatchObject({
        action: 'intent.approve.denied',
        actor: { client: 'gpt' },
        detail: { allowed: false, rule: 'gpt-never-approves' },
      });
    });

    it('its own key with a spoofed x-client-id: refused before anything is decided', async () => {
      const s = scenario();
      const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
      for (const spoof of ['human', 'cursor']) {
        expectProblem(
          await s.call('POST', `/ai/intents/${intent.id}/approve`, 'gpt', {}, { 'x-client-id': spoof }),
          403,
          'client_mismatch',
        );
      }
      const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
      expect(got.body.intent.state).toBe('proposed');
      expect(got.body.decisions).toHaveLength(1);
    });

    it('approving its own proposal: refused', async () => {
      const s = scenario();
      const intent = await s.propose('gpt', { kind: 'purge-cache', target: 'production' });
      const refused = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'gpt');
      expectProblem(refused, 403, 'policy_denied');
      expect(refused.body.rule).toBe('gpt-never-approves');
    });

    it('approving after re-proposal (rejected then proposed again, or sent back by a moved branch): refused', async () => {
      const s = scenario();
      await s.createBranch('staging');
      const first = await s.propose('gpt', { kind: 'deploy', target: 'staging', idempotencyKey: 'try-1' });
      expectStatus(await s.call('POST', `/ai/intents/${first.id}/reject`, 'humanBob', { reason: 'not now' }), 200);
      const second = await s.propose('gpt', { kind: 'deploy', target: 'staging', idempotencyKey: 'try-2' });
      expect((await s.call('POST', `/ai/intents/${second.id}/approve`, 'gpt')).body.rule).toBe('gpt-never-approves');

      // Approved, then the branch moves: execution sends it back to proposed; the GPT still cannot approve it.
      expectStatus(await s.call('POST', `/ai/intents/${second.id}/approve`, 'human'), 200);
      await s.moveBranch('staging');
      expect((await s.call('POST', `/ai/intents/${second.id}/execute`, 'gpt')).body.rule).toBe(
        'approval-bound-to-commit',
      );
      const reproposed = await s.call('POST', `/ai/intents/${second.id}/approve`, 'gpt');
      expectProblem(reproposed, 403, 'policy_denied');
      expect(reproposed.body.rule).toBe('gpt-never-approves');
      expect((await s.call('GET', `/ai/intents/${second.id}`, 'human')).body.intent.state).toBe('proposed');
    });
  });

  // requireDifferentPerson: false (four eyes by key) is a policy-wide setting: test/four-eyes-by-key/.
  it('four eyes by person: neither the same key nor the same person through another client approves', async () => {
    const s = scenario();
    const intent = await s.propose('human', { kind: 'restart', target: 'production' });
    const own = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human');
    expectProblem(own, 403, 'policy_denied');
    expect(own.body.rule).toBe('approver-not-proposer');
    const sameOne = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'cursor');
    expectProblem(sameOne, 403, 'policy_denied');
    expect(sameOne.body.rule).toBe('approver-different-person');
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'cursorBob'), 200);
  });

  it('two approvers at the same moment: exactly one transition', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const intent = await s.propose('gpt', { kind: 'deploy', target: 'staging' });
    const results = await Promise.all([
      s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'),
      s.call('POST', `/ai/intents/${intent.id}/approve`, 'humanBob'),
      s.call('POST', `/ai/intents/${intent.id}/approve`, 'cursorBob'),
    ]);
    const ok = results.filter((r) => r.status === 200);
    expect(ok, JSON.stringify(results.map((r) => r.body))).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectProblem(r, 409, 'invalid_state');
    const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
    expect(got.body.intent.version).toBe(2);
    expect(got.body.decisions.filter((d) => d.action === 'approve')).toHaveLength(1);
    expect((await s.audit(`intent:${intent.id}`)).filter((e) => e.action === 'intent.approve')).toHaveLength(1);
  });

  it('an expired proposal cannot be approved and reads as expired, with its audit entry', async () => {
    const s = scenario();
    const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
    await backdate.proposal(intent.id);
    const refused = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human');
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toBe('proposal-lifetime');
    const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
    expect(got.body.intent.state).toBe('expired');
    expect((await s.audit(`intent:${intent.id}`)).map((e) => e.action)).toEqual([
      'intent.propose',
      'intent.approve.denied',
    ]);
    expectProblem(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'humanBob'), 403, 'policy_denied');
  });

  it('a proposal past its lifetime reads as expired without a write; the cron records the expiry, audited', async () => {
    const s = scenario();
    const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
    await backdate.proposal(intent.id);
    const list = await s.call<ListIntentsResponse>('GET', '/ai/intents?state=expired', 'gpt');
    expectStatus(list, 200);
    expect(list.body.intents.map((i) => [i.id, i.state])).toEqual([[intent.id, 'expired']]);
    expect((await s.call<ListIntentsResponse>('GET', '/ai/intents?state=proposed', 'gpt')).body.intents).toEqual([]);
    const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
    expect(got.body.intent.state).toBe('expired');
    // Reads wrote nothing: the expiry is recorded by the cron.
    expect((await s.audit(`intent:${intent.id}`)).map((e) => e.action)).toEqual(['intent.propose']);
    await s.cron();
    expect((await s.audit(`intent:${intent.id}`)).at(-1)).toMatchObject({
      action: 'intent.expire',
      detail: { rule: 'proposal-lifetime', from: 'proposed', to: 'expired' },
    });
  });
});

describeAuthCases('POST', `/ai/intents/${SOME_INTENT_ID}/approve`, ALL_CLIENTS);
