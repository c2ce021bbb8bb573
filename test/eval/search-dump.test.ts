import { env, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import devEntry from '../../src/local/dev-entry';
import { commit, createFixtureRepo, reindex, type FixtureRepo } from '../support/index-fixtures';
import { ROUTER_FILES } from '../support/index-repos';
import { TEST_KEYS } from '../support/keys';
import { dumpPartners, reproduceSearch, SEARCH_K, type ListsAnswer } from '../../src/tools/eval/search-dump';
import type { SearchResponse } from '../../src/routes/search/search';

/** A request to the dev entry (the Worker eval:search runs), with or without EVAL_SEARCH_LISTS bound. */
async function devFetch(repo: FixtureRepo, path: string, options: { lists: boolean; key?: string }) {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = options.key ? { 'x-api-key': options.key } : {};
  const bindings = { ...env, ...repo.env, ...(options.lists ? { EVAL_SEARCH_LISTS: '1' } : {}) };
  const response = await devEntry.fetch!(
    new Request(`http://hezlep.test${path}`, { headers }) as Request<unknown, IncomingRequestCfProperties>,
    bindings as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as unknown };
}

// The dump's contract with the offline tuner (docs: /work/team/dump-format.md): the dumped lists, ranked with the
// dumped weights and cut as searchFiles fills its k hits, give exactly the files /ai/search returned.
describe('eval:search --dump', () => {
  it('reproduces /ai/search offline from the lists, for every question', async () => {
    const repo = await createFixtureRepo(ROUTER_FILES);
    await commit(repo, {
      write: { 'src/router.ts': `${ROUTER_FILES['src/router.ts']}\n// trailing slashes match too\n` },
      message: 'Match routes with a trailing slash in the router',
    });
    await reindex(repo);
    const key = TEST_KEYS.cursor;
    const questions = [
      'match a route by request path',
      'matchRoute tests',
      'how to configure routing in the docs',
      'trailing slash route matching',
      '  parse the path into parts  ',
      'nothing here is about zebras',
    ];
    let historyListed = 0;
    for (const query of questions) {
      const q = encodeURIComponent(query);
      const lists = await devFetch(repo, `/ai/search/lists?q=${q}`, { lists: true, key });
      expect(lists.status, lists.text).toBe(200);
      const answer = lists.body as ListsAnswer;
      // k = 3 cuts inside the ranking (so how many chunks each file takes counts); k = 20 returns every file found.
      for (const k of [3, SEARCH_K]) {
        const search = await devFetch(repo, `/ai/search?q=${q}&k=${k}`, { lists: true, key });
        expect(search.status, search.text).toBe(200);
        const returned = [...new Set((search.body as SearchResponse).results.map((hit) => hit.path))];
        const question = { ...answer, query: answer.question, relevant: ['src/router.ts'] };
        // Co-change partners come from the answer's file facts, as a dump records them.
        const again = reproduceSearch(question, answer.weights, k, undefined, undefined, dumpPartners(answer.files));
        expect(again.files, `${query} (k=${k})`).toEqual(returned);
        expect(again.returnedFiles).toBe(returned.length);
      }
      expect(answer.question).toBe(query.trim());
      // Every listed path has its facts; the router's history counts its two commits.
      for (const list of Object.values(answer.lists))
        for (const item of list) expect(answer.files[item.path], item.path).toBeDefined();
      if (answer.files['src/router.ts']) {
        expect(answer.files['src/router.ts'].commits).toBe(2);
        expect(answer.files['src/router.ts'].lines).toBeGreaterThan(5);
        expect(answer.files['src/router.ts'].lastChange).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
      historyListed += answer.lists.history.length + answer.lists.commits.length;
    }
    expect(historyListed).toBeGreaterThan(0);
  });

  it('answers the lists only when EVAL_SEARCH_LISTS is bound, and only with an API key', async () => {
    const repo = await createFixtureRepo(ROUTER_FILES);
    const path = '/ai/search/lists?q=route';
    expect((await devFetch(repo, path, { lists: false, key: TEST_KEYS.cursor })).status).toBe(404);
    const anonymous = await devFetch(repo, path, { lists: true });
    expect(anonymous.status, anonymous.text).toBe(401);
    const empty = await devFetch(repo, '/ai/search/lists?q=', { lists: true, key: TEST_KEYS.cursor });
    expect(empty.status, empty.text).toBe(400);
    expect(empty.body).toMatchObject({ code: 'validation_failed' });
  });
});
