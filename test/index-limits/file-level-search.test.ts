import { describe, expect, it } from 'vitest';
import { call } from '../support/http';
import { createFixtureRepo, reindex } from '../support/index-fixtures';
import { ROUTER_FILES as FILES } from '../support/index-repos';
import type { SearchResponse } from '../../src/routes/search/search';

// Project index-limits: SEARCH_WEIGHTS {"chunk":0,"vector":0}, the file-level field alone (test/support/index-settings.ts).
describe('search ranks files', () => {
  it('finds files through the file-level index alone (no chunk or vector signal)', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const found = await call<SearchResponse>('GET', '/ai/search?q=match%20a%20route&k=5', {
      as: 'cursor',
      env: repo.env,
    });
    expect(found.body.results[0]).toMatchObject({ path: 'src/router.ts', fileRank: 1, signals: ['lexical'] });
  });
});
