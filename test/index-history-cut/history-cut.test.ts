import { describe, expect, it } from 'vitest';
import { commit, createFixtureRepo, reindex, upstreamRequests } from '../support/index-fixtures';
import { HISTORY_FILES as FILES } from '../support/index-repos';

// Project index-history-cut: INDEX_HISTORY_UNTIL before every fixture commit (test/support/index-settings.ts).
describe('history field', () => {
  it('reads no history after the evaluation cut-off', async () => {
    const early = await createFixtureRepo(FILES);
    await commit(early, { write: { 'src/render/page.ts': '// x\n' }, message: 'Render titles in bold type' });
    const status = await reindex(early);
    expect(status.history).toMatchObject({ commits: 0, until: '2001-01-01T00:00:00Z' });
    expect(await upstreamRequests(early)).toMatchObject({ commits: 1 });
    expect((await upstreamRequests(early)).commit ?? 0).toBe(0);
  });
});
