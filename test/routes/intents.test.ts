import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { describeAuthCases } from '../support/auth-cases';
import { ALL_CLIENTS } from '../../src/auth/guard';
import { backdate, randomSha, scenario } from '../intents/helpers';
import type { GetIntentResponse } from '../../src/routes/intents/get-intent';
import type { ListIntentsResponse } from '../../src/routes/intents/list-intents';
import type { IntentResultResponse } from '../../src/routes/intents/approve-intent';

const SOME_ID = '00000000-0000-4000-8000-000000000000';

async function auditFor(s: ReturnType<typeof scenario>, target: string) {
  const result = await s.call('GET', `/ai/audit?target=${encodeURIComponent(target)}&limit=100`, 'human');
  expectStatus(result, 200);
  return (
    result.body.entries as {
      action: string;
      actor: { client: string; person?: string };
      detail: Record<string, unknown>;
    }[]
  ).reverse();
}

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

    const [entry] = await auditFor(s, `intent:${intent.id}`);
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

    const entries = await auditFor(s, `intents:${s.env.PROJECT_ID}`);
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
    expect(await auditFor(s, `intent:${burst[0]!.body.intent.id}`)).toHaveLength(1);
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

  it('refuses a broken INTENT_POLICY loudly, naming the variable', async () => {
    const result = await call('POST', '/ai/intents', {
      as: 'human',
      body: { kind: 'restart', target: 'p' },
      env: { INTENT_POLICY: '{"kinds":{"deploy":{"approvers":["gpt"]}}}' },
    });
    expectProblem(result, 503, 'misconfigured');
    expect(result.body.detail).toMatch(/INTENT_POLICY.*gpt client can never approve/);
  });
});

describe('approving', () => {
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
    const entries = await auditFor(s, `intent:${intent.id}`);
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
      expect((await auditFor(s, `intent:${intent.id}`)).at(-1)).toMatchObject({
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

  it('requireDifferentPerson: false lets the same person approve through another client', async () => {
    const s = scenario({ requireDifferentPerson: false });
    const intent = await s.propose('human', { kind: 'restart', target: 'production' });
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'cursor'), 200);
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
    expect((await auditFor(s, `intent:${intent.id}`)).filter((e) => e.action === 'intent.approve')).toHaveLength(1);
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
    expect((await auditFor(s, `intent:${intent.id}`)).map((e) => e.action)).toEqual([
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
    expect((await auditFor(s, `intent:${intent.id}`)).map((e) => e.action)).toEqual(['intent.propose']);
    await s.cron();
    expect((await auditFor(s, `intent:${intent.id}`)).at(-1)).toMatchObject({
      action: 'intent.expire',
      detail: { rule: 'proposal-lifetime', from: 'proposed', to: 'expired' },
    });
  });
});

describe('rejecting and cancelling', () => {
  it('reject: humans and Cursor may, the GPT and cron may not; a rejected intent stays rejected', async () => {
    const s = scenario();
    const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
    expect((await s.call('POST', `/ai/intents/${intent.id}/reject`, 'gpt')).body.rule).toBe('rejecter-allowed');
    expect((await s.call('POST', `/ai/intents/${intent.id}/reject`, 'cron')).body.rule).toBe('rejecter-allowed');
    const rejected = await s.call('POST', `/ai/intents/${intent.id}/reject`, 'cursor', { reason: 'wrong environment' });
    expectStatus(rejected, 200);
    expect(rejected.body.intent.state).toBe('rejected');
    expectProblem(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 409, 'invalid_state');
    expectProblem(await s.call('POST', `/ai/intents/${intent.id}/execute`, 'human'), 409, 'invalid_state');
    const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
    expect(got.body.decisions.map((d) => `${d.action}:${d.allowed}`)).toEqual([
      'propose:true',
      'reject.denied:false',
      'reject.denied:false',
      'reject:true',
    ]);
  });

  it('cancel: the proposer may, another GPT-like caller may not; cancelling twice is harmless', async () => {
    const s = scenario();
    const mine = await s.propose('gpt', { kind: 'restart', target: 'production' });
    const cancelled = await s.call('POST', `/ai/intents/${mine.id}/cancel`, 'gpt', { reason: 'changed my mind' });
    expectStatus(cancelled, 200);
    expect(cancelled.body.intent.state).toBe('cancelled');
    expectStatus(await s.call('POST', `/ai/intents/${mine.id}/cancel`, 'gpt'), 200);

    const humans = await s.propose('human', { kind: 'restart', target: 'production' });
    expect((await s.call('POST', `/ai/intents/${humans.id}/cancel`, 'gpt')).body.rule).toBe('canceller-allowed');
    expectStatus(await s.call('POST', `/ai/intents/${humans.id}/cancel`, 'humanBob'), 200);
  });

  it('answers 404 for an unknown intent and 400 for a malformed id', async () => {
    const s = scenario();
    expectProblem(await s.call('POST', `/ai/intents/${SOME_ID}/approve`, 'human'), 404, 'not_found');
    expectProblem(await s.call('GET', `/ai/intents/${SOME_ID}`, 'human'), 404, 'not_found');
    expectProblem(await s.call('GET', '/ai/intents/not-an-id', 'human'), 400, 'validation_failed');
  });

  it('an intent of one project is invisible from another', async () => {
    const a = scenario();
    const b = scenario();
    const intent = await a.propose('human', { kind: 'restart', target: 'production' });
    expectProblem(await b.call('GET', `/ai/intents/${intent.id}`, 'human'), 404, 'not_found');
    expectProblem(await b.call('POST', `/ai/intents/${intent.id}/approve`, 'humanBob'), 404, 'not_found');
  });
});

describe('GET /ai/intents', () => {
  it('lists newest first with filters and cursor pagination, never silently cut', async () => {
    const s = scenario();
    const made: string[] = [];
    for (const [as, kind] of [
      ['gpt', 'restart'],
      ['human', 'purge-cache'],
      ['gpt', 'purge-cache'],
      ['cursor', 'restart'],
      ['gpt', 'restart'],
    ] as const) {
      made.push((await s.propose(as, { kind, target: 'production' })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof s.call<ListIntentsResponse>>> = await s.call<ListIntentsResponse>(
        'GET',
        `/ai/intents?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        'gpt',
      );
      expectStatus(page, 200);
      seen.push(...page.body.intents.map((i) => i.id));
      expect(page.body.truncated).toBe(page.body.nextCursor !== null);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...made].reverse());
    expect(pages).toBe(3);

    const gptRestarts = await s.call<ListIntentsResponse>('GET', '/ai/intents?proposer=gpt&kind=restart', 'human');
    expect(gptRestarts.body.intents.map((i) => i.id)).toEqual([made[4], made[0]]);
    // A bare client names every proposal made through it; client:person one key's.
    const byCursor = await s.call<ListIntentsResponse>('GET', '/ai/intents?proposer=cursor', 'human');
    expect(byCursor.body.intents.map((i) => i.id)).toEqual([made[3]]);
    const byAlice = await s.call<ListIntentsResponse>('GET', '/ai/intents?proposer=human:alice', 'human');
    expect(byAlice.body.intents.map((i) => i.id)).toEqual([made[1]]);
    await s.call('POST', `/ai/intents/${made[1]}/approve`, 'cursorBob');
    const approved = await s.call<ListIntentsResponse>('GET', '/ai/intents?state=approved', 'human');
    expect(approved.body.intents.map((i) => i.id)).toEqual([made[1]]);
    expectProblem(await s.call('GET', '/ai/intents?cursor=garbage', 'human'), 400, 'validation_failed');
  });
});

describe('OpenAPI', () => {
  it('marks state-changing intent operations consequential for GPT Actions, and reads not', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    for (const op of ['', '/{id}/approve', '/{id}/reject', '/{id}/cancel', '/{id}/execute']) {
      expect(doc.paths[`/ai/intents${op}`].post['x-openai-isConsequential'], op).toBe(true);
    }
    expect(doc.paths['/ai/intents'].get['x-openai-isConsequential']).toBeUndefined();
    expect(doc.paths['/ai/intents/{id}'].get['x-openai-isConsequential']).toBeUndefined();
    expect(doc.paths['/ai/intents/{id}/approve'].post.responses['403'].description).toMatch(/policy_denied.*rule/);
    expect(doc.paths['/ai/intents/{id}/approve'].post.responses['501']).toBeTruthy();
  });
});

describeAuthCases('POST', '/ai/intents', ALL_CLIENTS, { body: { kind: 'restart', target: 'production' } });
describeAuthCases('GET', '/ai/intents', ALL_CLIENTS);
describeAuthCases('GET', `/ai/intents/${SOME_ID}`, ALL_CLIENTS);
describeAuthCases('POST', `/ai/intents/${SOME_ID}/approve`, ALL_CLIENTS);
describeAuthCases('POST', `/ai/intents/${SOME_ID}/reject`, ALL_CLIENTS);
describeAuthCases('POST', `/ai/intents/${SOME_ID}/cancel`, ALL_CLIENTS);
describeAuthCases('POST', `/ai/intents/${SOME_ID}/execute`, ALL_CLIENTS);
