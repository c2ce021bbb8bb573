import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ProgressGate, etaSeconds } from '../../src/code-index/progress';
import type { RepoIndexObject } from '../../src/code-index/repo-index-object';
import { call, expectStatus } from '../support/http';
import { createFixtureRepo, waitForStatus } from '../support/index-fixtures';
import { mustOpen } from '../support/listener';

describe('index run progress', () => {
  it('estimates the time left from the pace so far, and nothing before the first file', () => {
    const startedAt = new Date(0).toISOString();
    expect(etaSeconds({ startedAt, filesDone: 10, filesPlanned: 40 }, 20_000)).toBe(60);
    expect(etaSeconds({ startedAt, filesDone: 40, filesPlanned: 40 }, 20_000)).toBe(0);
    expect(etaSeconds({ startedAt, filesDone: 0, filesPlanned: 40 }, 20_000)).toBeNull();
  });

  it('lets a progress event through at most once a second', () => {
    const gate = new ProgressGate(1000);
    expect([0, 400, 999, 1000, 1500, 2001].map((t) => gate.due(t))).toEqual([true, false, false, true, false, true]);
  });
});

describe('index.run_progress on the event hub', () => {
  it('tells files done of planned after batches, at most once a second of the object clock', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`src/part${String(i).padStart(2, '0')}.ts`] = `export const part${i} = ${i};\n`;
    // Project index-limits: one file a batch (test/support/index-settings.ts).
    const repo = await createFixtureRepo(files);
    const ns = env.REPO_INDEX!;
    const stub = ns.get(ns.idFromName(`${repo.env.PROJECT_ID}:${repo.fullName}@${repo.branch}`));
    // Each batch of one file reads the clock once and takes 300 ms of it: a second passes every 3⅓ files.
    let clock = 0;
    await runInDurableObject(stub, (instance) => {
      (instance as RepoIndexObject).progressClock = () => (clock += 300);
    });
    expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env }), 202);
    await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run completes');

    const replay = await mustOpen('?topics=index&since=0', { as: 'human', env: repo.env });
    await replay.waitFor((m) => m.kind === 'event' && m.type === 'index.run_succeeded', 'the run succeeded event');
    const progress = replay.messages.flatMap((m) =>
      m.kind === 'event' && m.type === 'index.run_progress'
        ? [m.data as { filesDone: number; filesPlanned: number }]
        : [],
    );
    replay.close();
    // Told after the first batch, then only once 1000 ms of the clock have passed (every fourth batch).
    expect(progress.map((p) => p.filesDone)).toEqual([1, 5, 9, 13, 17]);
    expect(new Set(progress.map((p) => p.filesPlanned))).toEqual(new Set([20]));
  });
});
