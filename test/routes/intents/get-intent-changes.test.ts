import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { randomSha, scenario } from '../../intents/helpers';
import type { IntentChangesResponse } from '../../../src/routes/intents/get-intent-changes';
import type { ExecuteIntentResponse } from '../../../src/routes/intents/execute-intent';

const SOME_ID = '00000000-0000-4000-8000-000000000000';
const FAKE_TOKEN = `ghp_${'A1b2C3d4E5f6G7h8I9j0'.repeat(2).slice(0, 36)}`;

type Scenario = ReturnType<typeof scenario>;

/** A deploy of `target` proposed, approved, dispatched and finished successfully: the target now runs `head`. */
async function shipped(s: Scenario, target: string): Promise<{ id: string; head: string }> {
  const head = await s.createBranch(target);
  const intent = await s.propose('gpt', { kind: 'deploy', target });
  expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 200);
  const started = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${intent.id}/execute`, 'human');
  expectStatus(started, 202);
  await s.finishRun(started.body.intent.execution!.runId!, 'success');
  await s.cron();
  const done = await s.call('GET', `/ai/intents/${intent.id}`, 'human');
  expect(done.body.intent.state, JSON.stringify(done.body)).toBe('succeeded');
  return { id: intent.id, head };
}

describe('GET /ai/intents/{id}/changes', () => {
  it('lists what a deploy would ship since the last succeeded deploy, newest first, with secrets redacted', async () => {
    const s = scenario();
    const before = await shipped(s, 'staging');
    const middle = await s.moveBranch('staging');
    const newest = await s.moveBranch('staging');
    await s.describeCommit(newest, {
      message: `Rotate the key ${FAKE_TOKEN}\n\nbody`,
      author: 'monalisa',
      files: [
        { path: 'src/login.ts', additions: 12, deletions: 3 },
        { path: 'README.md', additions: 1, deletions: 0 },
      ],
    });
    await s.setStatus(newest, 'failure', 'ci/test');
    const proposal = await s.propose('gpt', { kind: 'deploy', target: 'staging' });

    const result = await s.call<IntentChangesResponse>('GET', `/ai/intents/${proposal.id}/changes`, 'gpt');
    expectStatus(result, 200);
    const body = result.body;
    expect(body.running).toEqual({
      commit: before.head,
      source: 'last-succeeded-intent',
      intentId: before.id,
      at: expect.any(String),
    });
    expect(body.shipping).toEqual({ commit: newest, source: 'branch-head' });
    expect(body.direction).toBe('adds');
    expect(body.comparison.commits.map((c) => c.sha)).toEqual([newest, middle]);
    expect(body.comparison.commits[0]).toMatchObject({
      author: 'monalisa',
      checks: { state: 'failure', failing: ['ci/test'] },
    });
    expect(body.comparison.commits[0]!.title).toBe('Rotate the key [REDACTED:github_token]');
    expect(JSON.stringify(body)).not.toContain(FAKE_TOKEN);
    expect(body.comparison.files).toEqual([
      { path: `changes/${middle.slice(0, 7)}.txt`, status: 'modified', additions: 1, deletions: 0 },
      { path: 'src/login.ts', status: 'modified', additions: 12, deletions: 3 },
      { path: 'README.md', status: 'modified', additions: 1, deletions: 0 },
    ]);
    expect(body.summary).toBe('deploy staging: would ship 2 commits, 3 files (+14 −3).');
    expect(body.truncated).toBe(false);

    // The comparison is cached by its pair of commits: asked again, GitHub is not asked to compare again.
    const first = Number(result.headers.get('x-github-requests'));
    const again = await s.call<IntentChangesResponse>('GET', `/ai/intents/${proposal.id}/changes`, 'human');
    expectStatus(again, 200);
    expect(again.body.comparison).toEqual(body.comparison);
    expect(Number(again.headers.get('x-github-requests'))).toBe(first - 1);
  });

  it('shows what a rollback takes back, against the branch head when nothing was deployed through an intent', async () => {
    const s = scenario();
    const old = await s.createBranch('staging');
    const second = await s.moveBranch('staging');
    const head = await s.moveBranch('staging');
    const proposal = await s.propose('human', { kind: 'rollback', target: 'staging', parameters: { commit: old } });
    const result = await s.call<IntentChangesResponse>('GET', `/ai/intents/${proposal.id}/changes`, 'cursor');
    expectStatus(result, 200);
    expect(result.body).toMatchObject({
      running: { commit: head, source: 'branch-head', ref: 'staging' },
      shipping: { commit: old, source: 'parameter' },
      direction: 'removes',
    });
    expect(result.body.comparison.commits.map((c) => c.sha)).toEqual([head, second]);
    expect(result.body.summary).toBe('rollback staging: would take back 2 commits, 2 files (+2 −0).');
  });

  it('says nothing would change when the target already runs the commit', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const proposal = await s.propose('gpt', { kind: 'deploy', target: 'staging' });
    const result = await s.call<IntentChangesResponse>('GET', `/ai/intents/${proposal.id}/changes`, 'human');
    expectStatus(result, 200);
    expect(result.body).toMatchObject({ direction: 'none', comparison: { commits: [], files: [] } });
    expect(result.body.summary).toMatch(/already runs this commit/);
  });

  it('refuses an intent that ships no commits (400), an unknown intent (404) and a malformed id (400)', async () => {
    const s = scenario();
    const restart = await s.propose('gpt', { kind: 'restart', target: 'production' });
    const nothing = await s.call('GET', `/ai/intents/${restart.id}/changes`, 'human');
    expectProblem(nothing, 400, 'bad_request');
    expect(nothing.body.detail).toBe(
      `Intent ${restart.id} is a restart: it ships no commits, so there is nothing to compare.`,
    );
    expectProblem(await s.call('GET', `/ai/intents/${SOME_ID}/changes`, 'human'), 404, 'not_found');
    expectProblem(await s.call('GET', '/ai/intents/not-an-id/changes', 'human'), 400, 'validation_failed');
  });

  it('answers 404 naming the comparison when GitHub does not know the commit', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const proposal = await s.propose('human', {
      kind: 'rollback',
      target: 'staging',
      parameters: { commit: randomSha() },
    });
    const result = await s.call('GET', `/ai/intents/${proposal.id}/changes`, 'human');
    expectProblem(result, 404, 'not_found');
    expect(result.body.detail).toMatch(/comparison/);
  });
});

describeAuthCases('GET', `/ai/intents/${SOME_ID}/changes`, ALL_CLIENTS);
