import { describe, expect, inject, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { createFixtureRepo, waitForStatus } from '../../support/index-fixtures';
import { deliverWebhook } from '../../support/webhook';
import { scenario } from '../../intents/helpers';
import { signGitHubPayload } from '../../../src/code-index/source/webhook-signature';
import type { GetIntentResponse } from '../../../src/routes/intents/get-intent';
import type { ExecuteIntentResponse } from '../../../src/routes/intents/execute-intent';
import type { WebhookResponse } from '../../../src/routes/github/webhook';

const github = inject('github');
const SECRET = 'test-webhook-secret-intents-0123456789';

type Scenario = ReturnType<typeof scenario>;

/** A deploy to staging, approved and executed: its workflow run is dispatched and queued. */
async function executingDeploy(s: Scenario) {
  await s.createBranch('staging');
  const intent = await s.propose('gpt', { kind: 'deploy', target: 'staging', reason: 'release' });
  expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 200);
  const executed = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${intent.id}/execute`, 'human');
  expectStatus(executed, 202);
  return { id: intent.id, runId: executed.body.intent.execution!.runId! };
}

/** The run as GitHub's REST API shows it: the same object a workflow_run delivery carries. */
async function runOf(s: Scenario, runId: number): Promise<Record<string, unknown>> {
  const response = await fetch(`${github.url}/repos/${s.repo}/actions/runs/${runId}`, {
    headers: { authorization: `token ${github.token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function deliver(s: Scenario, payload: unknown, signature?: string) {
  return deliverWebhook<WebhookResponse>(s.env, JSON.stringify(payload), {
    event: 'workflow_run',
    secret: SECRET,
    signature,
  });
}

const delivery = (s: Scenario, run: Record<string, unknown>, action = 'completed') => ({
  action,
  workflow_run: run,
  repository: { full_name: s.repo },
});

async function read(s: Scenario, id: string) {
  const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${id}`, 'human');
  expectStatus(got, 200);
  return got.body;
}

describe('POST /ai/github/webhook: workflow_run', () => {
  it('records a completed run on the executing intent at once, without waiting for the cron', async () => {
    const s = scenario({ GITHUB_WEBHOOK_SECRET: SECRET });
    const { id, runId } = await executingDeploy(s);
    await s.finishRun(runId, 'success');
    const reported = await deliver(s, delivery(s, await runOf(s, runId)));
    expectStatus(reported, 202);
    expect(reported.body).toEqual({
      accepted: true,
      event: 'workflow_run',
      action: 'recorded',
      repo: s.repo,
      runId: String(runId),
      intentId: id,
      intentState: 'succeeded',
    });
    const done = await read(s, id);
    expect(done.intent).toMatchObject({
      state: 'succeeded',
      outcome: 'workflow run succeeded',
      execution: { conclusion: 'success', runStatus: 'completed' },
    });
    expect(done.decisions.at(-1)).toMatchObject({
      action: 'succeed',
      actor: { client: 'cron', person: 'github-webhook' },
    });
    const audit = await s.call('GET', `/ai/audit?target=intent:${id}&action=intent.succeed`, 'human');
    expect(audit.body.entries).toHaveLength(1);

    // A repeated delivery changes nothing: the same signed body is recognised as a replay.
    const again = await deliver(s, delivery(s, await runOf(s, runId)));
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ action: 'duplicate' });
  });

  it('records a failed run as failed, and a run still going as progress', async () => {
    const s = scenario({ GITHUB_WEBHOOK_SECRET: SECRET });
    const { id, runId } = await executingDeploy(s);
    await s.finishRun(runId, null as never, 'in_progress');
    const going = await deliver(s, delivery(s, await runOf(s, runId), 'in_progress'));
    expect(going.body).toMatchObject({ action: 'recorded', intentState: 'executing' });
    expect((await read(s, id)).intent.execution).toMatchObject({ runStatus: 'in_progress' });

    await s.finishRun(runId, 'failure');
    const failed = await deliver(s, delivery(s, await runOf(s, runId)));
    expect(failed.body).toMatchObject({ action: 'recorded', intentId: id, intentState: 'failed' });
    expect((await read(s, id)).intent).toMatchObject({ state: 'failed', outcome: 'workflow run ended failure' });
  });

  it('ignores runs of other repositories and runs no intent dispatched', async () => {
    const s = scenario({ GITHUB_WEBHOOK_SECRET: SECRET });
    const { id, runId } = await executingDeploy(s);
    await s.finishRun(runId, 'success');
    const run = await runOf(s, runId);
    const elsewhere = await deliver(s, {
      action: 'completed',
      workflow_run: run,
      repository: { full_name: 'someone/else' },
    });
    expect(elsewhere.body).toMatchObject({ action: 'ignored', reason: 'not the repository intents deploy' });
    const stranger = await deliver(s, delivery(s, { ...run, id: runId + 1_000_000, head_branch: 'feature/x' }));
    expect(stranger.body).toMatchObject({ action: 'ignored', reason: 'no executing intent is waiting for this run' });
    expect((await read(s, id)).intent.state).toBe('executing');
  });

  it('refuses a delivery that is not signed with the secret, and a body that is not a workflow_run', async () => {
    const s = scenario({ GITHUB_WEBHOOK_SECRET: SECRET });
    const { id, runId } = await executingDeploy(s);
    await s.finishRun(runId, 'success');
    const forged = await deliver(
      s,
      delivery(s, await runOf(s, runId)),
      await signGitHubPayload('not-the-secret', '{}'),
    );
    expectProblem(forged, 401, 'unauthenticated');
    expect((await read(s, id)).intent.state).toBe('executing');
    expectProblem(
      await deliver(s, { action: 'completed', repository: { full_name: s.repo } }),
      400,
      'validation_failed',
    );
  });
});

describe('POST /ai/github/webhook: signatures, ping and push', () => {
  const send = (env: Record<string, unknown>, event: string, payload: unknown, signature?: string) =>
    deliverWebhook(env, JSON.stringify(payload), { event, signature });

  it('refuses a missing or wrong signature', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    const payload = { ref: 'refs/heads/main', repository: { full_name: repo.fullName } };
    expectProblem(await send(repo.env, 'push', payload, 'sha256=' + '0'.repeat(64)), 401, 'unauthenticated');
    expectProblem(
      await send(repo.env, 'push', payload, await signGitHubPayload('not-the-secret', JSON.stringify(payload))),
      401,
      'unauthenticated',
    );
    const unsigned = await call('POST', '/ai/github/webhook', {
      rawBody: JSON.stringify(payload),
      env: repo.env,
      headers: { 'x-github-event': 'push' },
    });
    expectProblem(unsigned, 401, 'unauthenticated');
    expectProblem(
      await send({ ...repo.env, GITHUB_WEBHOOK_SECRET: '' }, 'push', payload, 'sha256=00'),
      501,
      'not_configured',
    );
  });

  it('answers ping, ignores other events and branches, and starts a run on a push to the indexed branch', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': 'export function alpha() {\n  return 1;\n}\n' });
    expect((await send(repo.env, 'ping', { zen: 'hi' })).body).toMatchObject({ action: 'pong' });
    expect((await send(repo.env, 'issues', {})).body).toMatchObject({ action: 'ignored' });
    expect(
      (await send(repo.env, 'push', { ref: 'refs/heads/other', repository: { full_name: repo.fullName } })).body,
    ).toMatchObject({ action: 'ignored' });
    const pushed = await send(repo.env, 'push', { ref: 'refs/heads/main', repository: { full_name: repo.fullName } });
    expectStatus(pushed, 202);
    expect(pushed.body).toMatchObject({ action: 'started', repo: repo.fullName });
    const status = await waitForStatus(repo, (s) => s.lastRun?.id === pushed.body.runId, 'the webhook run finishes');
    expect(status.lastRun).toMatchObject({ trigger: 'webhook', actor: 'cron:github-webhook', outcome: 'succeeded' });
  });
});
