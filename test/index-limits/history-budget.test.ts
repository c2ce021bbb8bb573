import { describe, expect, it } from 'vitest';
import { commit, createFixtureRepo, reindex, upstreamRequests } from '../support/index-fixtures';
import { HISTORY_FILES as FILES } from '../support/index-repos';

// Project index-limits: three GitHub requests of history a run (test/support/index-settings.ts).
describe('history field', () => {
  it('walks a backfill in bounded runs within its budget, never asking for a commit twice', async () => {
    const repo = await createFixtureRepo(FILES);
    for (let i = 1; i <= 4; i++)
      await commit(repo, {
        write: { 'src/render/page.ts': `${FILES['src/render/page.ts']}// ${i}\n` },
        message: `Step ${i} of the layout work`,
      });
    let status = await reindex(repo);
    // The budget counts the list page too: two commits read, the walk paused, the rest owed.
    expect(status.lastRun!.stats.history).toMatchObject({ requests: 3, paused: 'budget' });
    expect(status.history).toMatchObject({ pending: true });
    for (let run = 0; run < 3 && status.history.pending; run++) status = await reindex(repo);
    expect(status.history).toMatchObject({ commits: 5, pending: false });
    expect((await upstreamRequests(repo)).commit).toBe(5);
  });
});
