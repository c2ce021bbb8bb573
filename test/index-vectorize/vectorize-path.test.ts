import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { commit, createFixtureRepo, reindex, waitForStatus, type FixtureRepo } from '../support/index-fixtures';
import { LocalVectorize } from '../../src/local/vectorize';
import { VECTORIZE_METADATA_INDEXES, vectorScope } from '../../src/code-index/store/vectorize';
import { INDEX_VECTORIZE_SETTINGS } from '../support/index-settings';
import type { SearchResponse } from '../../src/routes/search/search';

const FILES = {
  'src/billing/invoice.ts':
    'export class InvoiceCalculator {\n  totalWithTax(amount: number, rate: number): number {\n    return Math.round(amount * (1 + rate) * 100) / 100;\n  }\n}\n',
  'src/auth/session.ts': 'export function revokeSession(sessionId: string): void {\n  sessions.delete(sessionId);\n}\n',
  'src/auth/tokens/refresh.ts': 'export function refreshToken(token: string): string {\n  return rotate(token);\n}\n',
};

/** The project's Vectorize index (local), shared by every test of the project: each repository has its own namespace. */
const INDEX = INDEX_VECTORIZE_SETTINGS.VECTORIZE_INDEX_NAME;

function localIndex() {
  return new LocalVectorize(env.LOCAL_VECTORIZE!, {
    name: INDEX,
    dimensions: 384,
    metric: 'cosine',
    metadataIndexes: [...VECTORIZE_METADATA_INDEXES],
  });
}

/** The vectors of one repository's index object in the shared index: those in its namespace (its vector scope). */
async function vectorsOf(repo: FixtureRepo): Promise<number> {
  await localIndex().describe(); // the index exists before the first run writes to it
  const scope = await vectorScope(String(repo.env.PROJECT_ID), {
    owner: repo.fullName.split('/')[0]!,
    name: repo.fullName.split('/')[1]!,
    branch: repo.branch,
  });
  const stub = env.LOCAL_VECTORIZE!.get(env.LOCAL_VECTORIZE!.idFromName(INDEX));
  return runInDurableObject(
    stub,
    (_i, state) =>
      state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM vectors WHERE namespace = ?', scope).one().n,
  );
}

async function embeddedChunks(repo: FixtureRepo): Promise<number> {
  const stub = env.REPO_INDEX!.get(
    env.REPO_INDEX!.idFromName(`${repo.env.PROJECT_ID}:${repo.fullName}@${repo.branch}`),
  );
  return runInDurableObject(
    stub,
    (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM chunks WHERE kind != 'imports'").one().n,
  );
}

// Project index-vectorize: the production configuration (Workers AI + Vectorize) against the local implementations of
// both bindings, with patient retries (test/support/index-settings.ts).
describe('the production index path: Workers AI + Vectorize (local bindings)', () => {
  it('indexes, searches with vector hits, filters by path, and deletes vectors with their files', async () => {
    const repo = await createFixtureRepo(FILES);
    const status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded' });
    expect(status.embedder).toBe('workers-ai:@cf/baai/bge-small-en-v1.5');
    expect(await vectorsOf(repo)).toBe(await embeddedChunks(repo));

    const found = await call<SearchResponse>('GET', '/ai/search?q=invoice%20total%20with%20tax&k=3', {
      as: 'cursor',
      env: repo.env,
    });
    expectStatus(found, 200);
    expect(found.body.results[0]).toMatchObject({ path: 'src/billing/invoice.ts', signals: ['lexical', 'vector'] });
    // path is not an indexed metadata field: the adapter filters through hashed directory keys instead.
    const scoped = await call<SearchResponse>('GET', '/ai/search?q=session%20token&path=src/auth/', {
      as: 'cursor',
      env: repo.env,
    });
    expect(scoped.body.results.map((r) => r.path).sort()).toEqual([
      'src/auth/session.ts',
      'src/auth/tokens/refresh.ts',
    ]);
    expect(scoped.body.results.every((r) => r.signals.includes('vector'))).toBe(true);

    await commit(repo, { delete: ['src/billing/invoice.ts'] });
    await reindex(repo);
    expect(await vectorsOf(repo)).toBe(await embeddedChunks(repo));
  });

  it('writes vectors before the checkpoint that records them: a failing upsert commits nothing, and the retry loses nothing', async () => {
    const repo = await createFixtureRepo(FILES);
    await localIndex().describe(); // create the index, then make its upserts fail until told otherwise
    const vectorize = env.LOCAL_VECTORIZE!.get(env.LOCAL_VECTORIZE!.idFromName(INDEX));
    await vectorize.failNext('upsert', 1_000);
    expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env }), 202);
    const stuck = await waitForStatus(repo, (s) => (s.running?.attempts ?? 0) >= 1, 'the batch fails on the upsert');
    expect(stuck.running!.lastError).toMatch(/upstream_error: Vectorize failed/);
    expect(stuck.running!.filesDone).toBe(0);
    expect(stuck.files).toBe(0);
    await vectorize.failNext('upsert', 0);
    const done = await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run recovers');
    expect(done.lastRun).toMatchObject({ outcome: 'succeeded' });
    expect(await vectorsOf(repo)).toBe(await embeddedChunks(repo));
  });

  it('keeps two projects on one Vectorize index apart (ids and namespaces per project, repository and branch)', async () => {
    const one = await createFixtureRepo({ 'src/a.ts': FILES['src/auth/session.ts'] });
    const two = await createFixtureRepo({ 'src/a.ts': FILES['src/billing/invoice.ts'] });
    await reindex(one);
    await reindex(two);
    // One index, two namespaces: each holds exactly its own repository's vectors.
    expect(await vectorsOf(one)).toBe(await embeddedChunks(one));
    expect(await vectorsOf(two)).toBe(await embeddedChunks(two));
    const fromOne = await call<SearchResponse>('GET', '/ai/search?q=invoice%20calculator%20tax', {
      as: 'cursor',
      env: one.env,
    });
    expect(fromOne.body.results.every((r) => (r.snippet?.text ?? '').includes('revokeSession'))).toBe(true);
  });
});
