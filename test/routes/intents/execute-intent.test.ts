import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { SOME_INTENT_ID, backdate, scenario } from '../../intents/helpers';
import type { ExecuteIntentResponse } from '../../../src/routes/intents/execute-intent';

type Scenario = ReturnType<typeof scenario>;

/** A deploy (or another workflow kind of the test policy) proposed by the GPT and approved by a human. */
async function approvedDeploy(s: Scenario, target = 'staging', kind = 'deploy') {
  const head = await s.createBranch(target);
  const intent = await s.propose('gpt', { kind, target, reason: 'release' });
  expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 200);
  return { id: intent.id, head };
}

describe('POST /ai/intents/{id}/execute: deploys', () => {
  it("dispatches the target's workflow for the approved commit, then the cron follows the run to success", async () => {
    // staging's workflow takes an input of its own (test/support/intent-policy.ts).
    const s = scenario();
    const { id, head } = await approvedDeploy(s);
    const result = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'gpt');
    expectStatus(result, 202);
    expect(result.body.started).toBe(true);
    const execution = result.body.intent.execution!;
    expect(result.body.intent.state).toBe('executing');
    expect(execution).toMatchObject({
      attempt: 1,
      status: 'running',
      commit: head,
      workflow: 'deploy.yml',
      ref: 'staging',
      runStatus: 'queued',
      startedBy: 'gpt',
    });
    expect(execution.runId).toEqual(expect.any(Number));
    expect(await s.dispatches()).toEqual([
      expect.objectContaining({
        workflow: 'deploy.yml',
        ref: 'staging',
        inputs: { environment: 'staging', commit: head, intent: id },
      }),
    ]);

    await s.cron(); // still queued: nothing to record
    expect((await s.read(id)).intent.state).toBe('executing');

    await s.finishRun(execution.runId!, 'success');
    await s.cron();
    const done = await s.read(id);
    expect(done.intent).toMatchObject({
      state: 'succeeded',
      outcome: 'workflow run succeeded',
      execution: { status: 'finished', conclusion: 'success', runStatus: 'completed' },
    });
    expect(done.decisions.map((d) => d.action)).toEqual(['propose', 'approve', 'execute', 'dispatch', 'succeed']);
    const audit = await s.audit(`intent:${id}`);
    expect(audit.map((e) => e.action)).toEqual([
      'intent.propose',
      'intent.approve',
      'intent.execute',
      'intent.dispatch',
      'intent.succeed',
    ]);
    expect(audit[2]!.detail).toMatchObject({
      rule: 'execution-allowed',
      commit: head,
      from: 'approved',
      to: 'executing',
    });

    // Finished is final: executing again changes nothing and dispatches nothing.
    const again = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'human');
    expectStatus(again, 202);
    expect(again.body).toMatchObject({ started: false, intent: { state: 'succeeded' } });
    expect(await s.dispatches()).toHaveLength(1);
  });

  it('the GPT cannot run a deploy to main even after a human proposed and approved it', async () => {
    const s = scenario();
    await s.createBranch('main');
    const intent = await s.propose('human', { kind: 'deploy', target: 'main' });
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'humanBob'), 200);
    const refused = await s.call('POST', `/ai/intents/${intent.id}/execute`, 'gpt');
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toBe('gpt-never-deploys-protected');
    expect(await s.dispatches()).toEqual([]);
    expect((await s.read(intent.id)).intent.state).toBe('approved');
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/execute`, 'human'), 202);
    expect(await s.dispatches()).toHaveLength(1);
  });

  it('records a failed run as failed, with its conclusion', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s);
    const started = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'cursor');
    await s.finishRun(started.body.intent.execution!.runId!, 'failure');
    await s.cron();
    const done = await s.read(id);
    expect(done.intent).toMatchObject({
      state: 'failed',
      outcome: 'workflow run ended failure',
      execution: { conclusion: 'failure' },
    });
    expect((await s.audit(`intent:${id}`)).at(-1)).toMatchObject({
      action: 'intent.fail',
      detail: { to: 'failed', conclusion: 'failure' },
    });
  });

  it('concurrent execute calls execute at most once', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, i % 2 ? 'human' : 'cursor'),
      ),
    );
    for (const r of results) expectStatus(r, 202);
    expect(
      results.filter((r) => r.body.started),
      JSON.stringify(results.map((r) => r.body)),
    ).toHaveLength(1);
    expect(await s.dispatches()).toHaveLength(1);
    const detail = await s.read(id);
    expect(detail.decisions.filter((d) => d.action === 'execute')).toHaveLength(1);
    expect(detail.intent.execution?.attempt).toBe(1);
    expect((await s.audit(`intent:${id}`)).filter((e) => e.action === 'intent.execute')).toHaveLength(1);
  });

  it('a retried execute returns the same execution and looks at the run once, without dispatching again', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s);
    const first = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'human');
    await s.finishRun(first.body.intent.execution!.runId!, 'success');
    const retry = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'human');
    expectStatus(retry, 202);
    expect(retry.body).toMatchObject({
      started: false,
      intent: { state: 'succeeded', execution: { runId: first.body.intent.execution!.runId } },
    });
    expect(await s.dispatches()).toHaveLength(1);
  });

  it('an approval is bound to its commit: a moved branch sends the intent back for approval, nothing dispatched', async () => {
    const s = scenario();
    const { id, head } = await approvedDeploy(s);
    const moved = await s.moveBranch('staging');
    const refused = await s.call('POST', `/ai/intents/${id}/execute`, 'human');
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toBe('approval-bound-to-commit');
    expect(refused.body.detail).toContain(moved.slice(0, 12));
    const after = await s.read(id);
    expect(after.intent).toMatchObject({ state: 'proposed', approval: null });
    expect(after.decisions.at(-1)).toMatchObject({
      action: 'execute.denied',
      allowed: false,
      rule: 'approval-bound-to-commit',
      fromState: 'approved',
      toState: 'proposed',
    });
    expect(await s.dispatches()).toEqual([]);

    // Approval again binds the new head, which is what runs.
    const again = await s.call('POST', `/ai/intents/${id}/approve`, 'humanBob');
    expect(again.body.intent.approval.commit).toBe(moved);
    expect(again.body.intent.approval.commit).not.toBe(head);
    expectStatus(await s.call('POST', `/ai/intents/${id}/execute`, 'human'), 202);
    expect((await s.dispatches())[0]!.inputs.commit).toBe(moved);
  });

  it('a lapsed approval needs approval again', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s);
    await backdate.approval(id);
    const refused = await s.call('POST', `/ai/intents/${id}/execute`, 'human');
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toBe('approval-lifetime');
    expect((await s.read(id)).intent.state).toBe('proposed');
    expect(await s.dispatches()).toEqual([]);
  });

  it('preflight: with checks required, only a green commit runs; the approval survives the wait', async () => {
    const s = scenario();
    const { id, head } = await approvedDeploy(s, 'staging', 'checked-deploy');
    await s.setStatus(head, 'pending');
    const pending = await s.call('POST', `/ai/intents/${id}/execute`, 'human');
    expectProblem(pending, 403, 'policy_denied');
    expect(pending.body.rule).toBe('preflight-checks-green');
    expect(pending.body.detail).toMatch(/pending/);
    await s.setStatus(head, 'failure', 'lint');
    await s.setStatus(head, 'success', 'ci');
    expect((await s.call('POST', `/ai/intents/${id}/execute`, 'human')).body.detail).toMatch(/failure/);
    expect((await s.read(id)).intent.state).toBe('approved');
    await s.setStatus(head, 'success', 'lint');
    expectStatus(await s.call('POST', `/ai/intents/${id}/execute`, 'human'), 202);
    expect(await s.dispatches()).toHaveLength(1);
  });

  it('a dispatch GitHub refuses is recorded as failed, never lost', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s, 'missing-workflow');
    const result = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'human');
    expectStatus(result, 202);
    expect(result.body.intent).toMatchObject({ state: 'failed' });
    expect(result.body.intent.outcome).toMatch(/dispatch refused/);
    expect((await s.audit(`intent:${id}`)).at(-1)).toMatchObject({ action: 'intent.fail' });
  });

  it('a dispatch whose outcome is unknown (GitHub 5xx) is not re-sent; the cron records it failed once overdue', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s);
    await s.behaviour({ failNextDispatch: 502 });
    const result = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'human');
    expectStatus(result, 202);
    expect(result.body.intent).toMatchObject({ state: 'executing', execution: { status: 'dispatching' } });
    await s.cron(); // not yet overdue: still waiting for a run to appear
    expect((await s.read(id)).intent.state).toBe('executing');
    expectStatus(await s.call('POST', `/ai/intents/${id}/execute`, 'human'), 202);
    expect(await s.dispatches()).toEqual([]);
    await backdate.executionStart(id, 2);
    await s.cron();
    const done = await s.read(id);
    expect(done.intent).toMatchObject({ state: 'failed', outcome: 'dispatch not confirmed: no workflow run appeared' });
  });

  it('finds the run when GitHub answers a dispatch with 204 (servers without run details)', async () => {
    const s = scenario();
    const { id, head } = await approvedDeploy(s);
    await s.behaviour({ legacyDispatch: true });
    const result = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${id}/execute`, 'human');
    expect(result.body.intent.execution).toMatchObject({ status: 'running', runId: expect.any(Number), commit: head });
  });

  it('the cron expires due proposals', async () => {
    const s = scenario();
    const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
    await backdate.proposal(intent.id);
    await s.cron();
    expect((await s.audit(`intent:${intent.id}`)).map((e) => e.action)).toEqual(['intent.propose', 'intent.expire']);
  });
});

describe('POST /ai/intents/{id}/execute: hosting operations and configuration', () => {
  it('refuses a hosting operation while no hosting adapter is configured, keeping the approval', async () => {
    const s = scenario();
    const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 200);
    const refused = await s.call('POST', `/ai/intents/${intent.id}/execute`, 'human');
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toBe('executor-configured');
    expect((await s.read(intent.id)).intent.state).toBe('approved');
  });

  it('without GitHub configured, a deploy can be proposed but not approved (no commit to bind)', async () => {
    const s = scenario({ GITHUB_TOKEN: '', GITHUB_REPO: '' });
    const intent = await s.propose('gpt', { kind: 'deploy', target: 'staging' });
    expect(intent.proposedCommit).toBeNull();
    expectProblem(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 501, 'not_configured');
  });

  it('a rollback binds the commit it names and runs it, whatever the head', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const target = 'c'.repeat(40);
    const intent = await s.propose('human', { kind: 'rollback', target: 'staging', parameters: { commit: target } });
    const approved = await s.call('POST', `/ai/intents/${intent.id}/approve`, 'cursorBob');
    expect(approved.body.intent.approval.commit).toBe(target);
    await s.moveBranch('staging');
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/execute`, 'human'), 202);
    expect((await s.dispatches())[0]!.inputs.commit).toBe(target);
  });
});

describe('the audit chain', () => {
  it('is intact after all of the above', async () => {
    const s = scenario();
    const { id } = await approvedDeploy(s);
    await s.call('POST', `/ai/intents/${id}/approve`, 'gpt');
    await s.call('POST', `/ai/intents/${id}/execute`, 'human');
    const verify = await call('GET', '/ai/audit/verify', { as: 'cron' });
    expectStatus(verify, 200);
    expect(verify.body.intact, verify.text).toBe(true);
    expect(verify.body.checked).toBeGreaterThan(4);
  });
});

describeAuthCases('POST', `/ai/intents/${SOME_INTENT_ID}/execute`, ALL_CLIENTS);
