import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { commit, createFixtureRepo, reindex, upstreamRequests } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';
import { historySubject } from '../../src/code-index/pipeline/history';
import { HISTORY_FILES as FILES } from '../support/index-repos';

async function search(repo: Awaited<ReturnType<typeof createFixtureRepo>>, q: string, as: 'cursor' | 'gpt' = 'cursor') {
  const result = await call<SearchResponse>('GET', `/ai/search?q=${encodeURIComponent(q)}&k=5`, { as, env: repo.env });
  expectStatus(result, 200);
  return result.body.results;
}

describe('history field', () => {
  it('describes files by the commits that changed them, read once: an unchanged night asks GitHub for no commit', async () => {
    const repo = await createFixtureRepo(FILES);
    await commit(repo, {
      write: { 'src/limits/bucket.ts': `${FILES['src/limits/bucket.ts']}// refill\n` },
      message: 'Throttle outgoing webhooks with a token bucket (#41)',
    });
    await commit(repo, {
      write: { 'src/render/page.ts': `${FILES['src/render/page.ts']}// escape\n` },
      message: 'Escape titles so markup in them is shown as text',
    });
    let status = await reindex(repo);
    expect(status.history).toMatchObject({ commits: 3, files: 2, newest: repo.head, pending: false, until: null });
    // One page of the list and one request per commit (the first commit included).
    expect(status.lastRun!.stats.history).toEqual({ commits: 3, requests: 4, paused: null });
    expect(await upstreamRequests(repo)).toMatchObject({ commits: 1, commit: 3 });

    // Words found only in a commit subject find the file it changed; the hit carries the subjects, newest first.
    const hits = await search(repo, 'throttle webhooks');
    expect(hits[0]).toMatchObject({ path: 'src/limits/bucket.ts' });
    expect(hits[0]!.signals).toContain('history');
    expect(hits[0]!.history).toEqual(['Throttle outgoing webhooks with a token bucket', 'initial fixture']);

    // An unchanged night: the run is up to date and neither lists nor reads a commit.
    status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'up_to_date' });
    expect(await upstreamRequests(repo)).toMatchObject({ commits: 1, commit: 3 });

    // One new commit: one list page, one commit read; nothing older is asked again.
    await commit(repo, {
      write: { 'src/limits/bucket.ts': `${FILES['src/limits/bucket.ts']}// burst\n` },
      message: 'Allow short bursts above the refill rate',
    });
    status = await reindex(repo);
    expect(status.lastRun!.stats.history).toEqual({ commits: 1, requests: 2, paused: null });
    expect(await upstreamRequests(repo)).toMatchObject({ commits: 2, commit: 4 });
    expect((await search(repo, 'bursts refill'))[0]!.history[0]).toBe('Allow short bursts above the refill rate');
  });

  it('redacts secrets in subjects for every client', async () => {
    const repo = await createFixtureRepo(FILES);
    await commit(repo, {
      write: { 'src/limits/bucket.ts': '// rotated\n' },
      message: 'Rotate the bucket key AKIAIOSFODNN7EXAMPLE used by the limiter',
    });
    await reindex(repo);
    for (const as of ['cursor', 'gpt'] as const) {
      const hit = (await search(repo, 'rotate bucket key limiter', as)).find((h) => h.path === 'src/limits/bucket.ts');
      expect(hit?.history[0]).toMatch(/^Rotate the bucket key \[REDACTED:[a-z_]+\] used by the limiter$/);
    }
  });

  it('takes a pull request title for its merge, and leaves other merges and PR numbers out', () => {
    expect(historySubject({ message: 'Merge pull request #12 from a/b\n\nStream large responses', parents: 2 })).toBe(
      'Stream large responses',
    );
    expect(historySubject({ message: "Merge branch 'main' into feature", parents: 2 })).toBeNull();
    expect(historySubject({ message: 'fix(router): keep trailing slash (#99)\n\nbody', parents: 1 })).toBe(
      'fix(router): keep trailing slash',
    );
  });
});
