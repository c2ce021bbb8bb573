import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { deliverWebhook } from '../support/webhook';
import { blobReads, clearFaults, createFixtureRepo, injectBlobFault, waitForStatus } from '../support/index-fixtures';
import { manyFiles } from '../support/index-repos';
import { github } from '../support/github';

// Project index-limits: one file a batch, five attempts (test/support/index-settings.ts).
describe('runs', () => {
  it('resumes after a failure exactly where it stopped', async () => {
    const repo = await createFixtureRepo(manyFiles(9));
    await injectBlobFault(repo, 'src/mod05.ts');
    const started = await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env });
    expectStatus(started, 202);
    const stuck = await waitForStatus(
      repo,
      (s) => (s.running?.attempts ?? 0) >= 2,
      'the run retries the failing batch',
    );
    expect(stuck.running!.lastError).toMatch(/upstream_error/);
    expect(stuck.running!.filesDone).toBe(5); // mod00..mod04 committed, the checkpoint sits before mod05
    await clearFaults(repo);
    const done = await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run completes');
    expect(done.lastRun).toMatchObject({ outcome: 'succeeded' });
    expect(done.files).toBe(9);
    const reads = await blobReads(repo);
    // Files committed before the failure are never read again; mod05 is retried; a file fetched
    // alongside it in the same batch may be re-read, but never more often than mod05 itself.
    for (const [path, count] of Object.entries(reads)) {
      if (path < 'src/mod05.ts') expect(count, `${path} was read ${count} times`).toBe(1);
      else if (path === 'src/mod05.ts') expect(count, path).toBeGreaterThanOrEqual(3);
      else expect(count, path).toBeLessThanOrEqual(reads['src/mod05.ts']!);
    }
  });

  it('marks the run failed after the last attempt and keeps what it committed', async () => {
    const repo = await createFixtureRepo(manyFiles(4));
    // Fails more often than the project's INDEX_MAX_ATTEMPTS allows.
    await injectBlobFault(repo, 'src/mod02.ts', 5);
    await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env });
    const status = await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run gives up');
    expect(status.lastRun).toMatchObject({ outcome: 'failed' });
    expect(status.lastRun!.error).toMatch(/GitHub failed/);
    expect(status.indexedCommit).toBeNull();
    expect(status.files).toBe(2);
  });

  it('never overlaps runs: a second trigger is refused (manual) or queued (webhook)', async () => {
    const repo = await createFixtureRepo(manyFiles(4));
    await injectBlobFault(repo, 'src/mod01.ts');
    expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env }), 202);
    await waitForStatus(repo, (s) => (s.running?.attempts ?? 0) >= 1, 'the run is stuck on a failing blob');

    const second = await call('POST', '/ai/github/reindex', { as: 'cron', env: repo.env });
    expectProblem(second, 409, 'invalid_state');
    expect(second.body.running.id).toBeTruthy();

    const payload = JSON.stringify({ ref: `refs/heads/${repo.branch}`, repository: { full_name: repo.fullName } });
    const hook = await deliverWebhook(repo.env, payload);
    expectStatus(hook, 202);
    expect(hook.body).toMatchObject({ action: 'queued', runId: second.body.running.id });

    await clearFaults(repo);
    // The first run finishes, then the queued follow-up runs and finds nothing new.
    const status = await waitForStatus(
      repo,
      (s) => s.running === null && s.lastRun?.outcome === 'up_to_date',
      'the follow-up run ends',
    );
    expect(status.files).toBe(4);
  });

  it('a resumed run goes on with the configuration it started with, whatever its env says later', async () => {
    const repo = await createFixtureRepo(manyFiles(3));
    await injectBlobFault(repo, 'src/mod00.ts');
    expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env }), 202);
    await waitForStatus(repo, (s) => (s.running?.attempts ?? 0) >= 1, 'the run waits on a failing blob');
    // The object's env changes under the waiting run: GitHub moves out of reach and batches grow to 40 files.
    const ns = env.REPO_INDEX!;
    const stub = ns.get(ns.idFromName(`${repo.env.PROJECT_ID}:${repo.fullName}@${repo.branch}`));
    await runInDurableObject(stub, (instance) => {
      const changed = { ...env, GITHUB_API_URL: github.unreachableUrl, INDEX_BATCH_FILES: '40' };
      (instance as unknown as { env: Record<string, unknown> }).env = changed;
    });
    await clearFaults(repo);
    const done = await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run completes');
    // Its own GitHub and its own batch of one file: the run record's configuration, not the new env.
    expect(done.lastRun).toMatchObject({ outcome: 'succeeded' });
    expect(done.lastRun!.stats).toMatchObject({ filesIndexed: 3, batches: 3 });
  });
});
