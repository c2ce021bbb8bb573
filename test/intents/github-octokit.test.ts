import { describe, expect, inject, it } from 'vitest';
import { refusal } from '../support/api-error';
import { GitHubClient } from '../../src/github/client';
import { ClientIntentGitHub, UnconfiguredIntentGitHub } from '../../src/intents/github';
import { randomSha, scenario } from './helpers';

const github = inject('github');

function adapterFor(repo: string, token = github.token, apiUrl = github.url) {
  const [owner, name] = repo.split('/') as [string, string];
  const client = new GitHubClient({ settings: { apiUrl, token, timeoutMs: 5_000, etagTtlMs: 60_000 } });
  return new ClientIntentGitHub(client, { owner, name, full: repo });
}

describe('ClientIntentGitHub (over the shared GitHubClient) against the local GitHub stand-in', () => {
  it('reads a branch head and the combined status of an exact commit', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    const gh = adapterFor(s.repo);
    expect(await gh.branchHead('staging')).toBe(head);
    expect(await gh.combinedStatus(head)).toBe('pending'); // no statuses yet
    await s.setStatus(head, 'success', 'ci');
    expect(await gh.combinedStatus(head)).toBe('success');
    await s.setStatus(head, 'error', 'security');
    expect(await gh.combinedStatus(head)).toBe('failure');
  });

  it('dispatches a workflow and gets the run id back, then reads the run', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    const gh = adapterFor(s.repo);
    const { runId } = await gh.dispatchWorkflow({ workflow: 'deploy.yml', ref: 'staging', inputs: { commit: head } });
    expect(runId).toEqual(expect.any(Number));
    expect(await gh.run(runId!)).toMatchObject({
      id: runId,
      headSha: head,
      headBranch: 'staging',
      status: 'queued',
      conclusion: null,
    });
    await s.finishRun(runId!, 'cancelled');
    expect(await gh.run(runId!)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(await s.dispatches()).toEqual([
      expect.objectContaining({ workflow: 'deploy.yml', ref: 'staging', inputs: { commit: head } }),
    ]);
  });

  it('finds the run a 204 dispatch created, by workflow, branch, commit and time', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    await s.behaviour({ legacyDispatch: true });
    const gh = adapterFor(s.repo);
    const since = new Date();
    expect(await gh.dispatchWorkflow({ workflow: 'deploy.yml', ref: 'staging', inputs: {} })).toEqual({});
    const run = await gh.findDispatchedRun({ workflow: 'deploy.yml', branch: 'staging', headSha: head, since });
    expect(run).toMatchObject({ headSha: head, headBranch: 'staging' });
    expect(
      await gh.findDispatchedRun({ workflow: 'deploy.yml', branch: 'staging', headSha: randomSha(), since }),
    ).toBeUndefined();
    expect(await gh.findDispatchedRun({ workflow: 'other.yml', branch: 'staging', since })).toBeUndefined();
  });

  it('asks again without return_run_details when an older GitHub Enterprise Server refuses the key, dispatching once', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    await s.behaviour({ olderServer: true });
    const gh = adapterFor(s.repo);
    const since = new Date();
    expect(await gh.dispatchWorkflow({ workflow: 'deploy.yml', ref: 'staging', inputs: { commit: head } })).toEqual({});
    expect(await s.dispatches()).toHaveLength(1);
    expect(
      await gh.findDispatchedRun({ workflow: 'deploy.yml', branch: 'staging', headSha: head, since }),
    ).toMatchObject({ headSha: head });
  });

  it("explains GitHub's refusals without leaking the token", async () => {
    const s = scenario();
    await s.createBranch('staging');
    const missing = await refusal(adapterFor(s.repo).branchHead('nope'));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toMatch(/Branch not found/);

    const badToken = 'ghp_definitely-not-the-token-000000';
    const unauthorised = await refusal(adapterFor(s.repo, badToken).branchHead('staging'));
    expect(unauthorised.code).toBe('upstream_error');
    expect(unauthorised.message).toMatch(/refused the configured token/);
    expect(unauthorised.message).not.toContain(badToken);

    const noRef = await refusal(
      adapterFor(s.repo).dispatchWorkflow({ workflow: 'deploy.yml', ref: 'ghost', inputs: {} }),
    );
    expect(noRef.code).toBe('upstream_error');
    expect(noRef.message).toMatch(/422.*No ref found for: ghost/);

    await s.behaviour({ failNextDispatch: 503 });
    const serverError = await refusal(
      adapterFor(s.repo).dispatchWorkflow({ workflow: 'deploy.yml', ref: 'staging', inputs: {} }),
    );
    expect(serverError.code).toBe('upstream_error');
    expect(serverError.status).toBe(502);
  });

  it('turns GitHub rate limits (primary 403 and secondary 429) into rate_limited with retryAfter', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const gh = adapterFor(s.repo);
    await s.behaviour({ rateLimitNext: 'primary' });
    const primary = await refusal(gh.branchHead('staging'));
    expect(primary.code).toBe('rate_limited');
    expect(primary.extra?.retryAfter).toBeGreaterThan(60);
    expect(primary.extra?.retryAfter).toBeLessThanOrEqual(120);
    await s.behaviour({ rateLimitNext: 'secondary' });
    const secondary = await refusal(gh.combinedStatus(randomSha()));
    expect(secondary).toMatchObject({ code: 'rate_limited', status: 429, extra: { retryAfter: 30 } });
    expect(await gh.branchHead('staging')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('reports an unreachable GitHub as upstream_unavailable', async () => {
    const gh = adapterFor('hezlep/any', github.token, 'http://127.0.0.1:9');
    const error = await refusal(gh.branchHead('main'));
    expect(error.code).toBe('upstream_unavailable');
  });

  it('the unconfigured adapter says so on every call', async () => {
    const gh = new UnconfiguredIntentGitHub();
    expect(gh.configured).toBe(false);
    expect((await refusal(gh.branchHead())).code).toBe('not_configured');
    expect((await refusal(gh.dispatchWorkflow())).code).toBe('not_configured');
  });
});
