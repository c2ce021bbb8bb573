import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { commit, createFixtureRepo, reindex, waitForStatus, type FixtureRepo } from '../support/index-fixtures';
import { LocalVectorize } from '../../src/local/vectorize';
import { VECTORIZE_METADATA_INDEXES } from '../../src/code-index/store/vectorize';
import type { SearchResponse } from '../../src/routes/search/search';

const FILES = {
  'src/billing/invoice.ts':
    'export class InvoiceCalculator {\n  totalWithTax(amount: number, rate: number): number {\n    return Math.round(amount * (1 + rate) * 100) / 100;\n  }\n}\n',
  'src/auth/session.ts': 'export function revokeSession(sessionId: string): void {\n  sessions.delete(sessionId);\n}\n',
  'src/auth/tokens/refresh.ts': 'export function refreshToken(token: string): string {\n  return rotate(token);\n}\n',
};

/** The production configuration (Workers AI + Vectorize), against the local implementations of both bindings. */
function productionPath(index: string) {
  return {
    INDEX_EMBEDDER: 'workers-ai',
    INDEX_VECTOR_STORE: 'vectorize',
    INDEX_LOCAL_BINDINGS: 'true',
    VECTORIZE_INDEX_NAME: index,
  };
}

function localIndex(name: string) {
  return new LocalVectorize(env.LOCAL_VECTORIZE!, {
    name,
    dimensions: 384,
    metric: 'cosine',
    metadataIndexes: [...VECTORIZE_METADATA_INDEXES],
  });
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

describe('the production index path: Workers AI + Vectorize (local bindings)', () => {
  it('indexes, searches with vector hits, filters by path, and deletes vectors with their files', async () => {
    const index = `t-${crypto.randomUUID().slice(0, 12)}`;
    const repo = await createFixtureRepo(FILES, productionPath(index));
    const status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded' });
    expect(status.embedder).toBe('workers-ai:@cf/baai/bge-small-en-v1.5');
    expect((await localIndex(index).describe()).vectorCount).toBe(await embeddedChunks(repo));

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
    expect((await localIndex(index).describe()).vectorCount).toBe(await embeddedChunks(repo));
  });

  it('writes vectors before the checkpoint that records them: a failing upsert commits nothing, and the retry loses nothing', async () => {
    const index = `t-${crypto.randomUUID().slice(0, 12)}`;
    const repo = await createFixtureRepo(FILES, {
      ...productionPath(index),
      INDEX_MAX_ATTEMPTS: '20',
      INDEX_RETRY_BASE_MS: '200',
    });
    await localIndex(index).describe(); // create the index, then make its upserts fail until told otherwise
    const vectorize = env.LOCAL_VECTORIZE!.get(env.LOCAL_VECTORIZE!.idFromName(index));
    await vectorize.failNext('upsert', 1_000);
    expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env }), 202);
    const stuck = await waitForStatus(repo, (s) => (s.running?.attempts ?? 0) >= 1, 'the batch fails on the upsert');
    expect(stuck.running!.lastError).toMatch(/upstream_error: Vectorize failed/);
    expect(stuck.running!.filesDone).toBe(0);
    expect(stuck.files).toBe(0);
    await vectorize.failNext('upsert', 0);
    const done = await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run recovers');
    expect(done.lastRun).toMatchObject({ outcome: 'succeeded' });
    expect((await localIndex(index).describe()).vectorCount).toBe(await embeddedChunks(repo));
  });

  it('keeps two projects on one Vectorize index apart (ids and namespaces per project, repository and branch)', async () => {
    const index = `t-${crypto.randomUUID().slice(0, 12)}`;
    const one = await createFixtureRepo({ 'src/a.ts': FILES['src/auth/session.ts'] }, productionPath(index));
    const two = await createFixtureRepo({ 'src/a.ts': FILES['src/billing/invoice.ts'] }, productionPath(index));
    await reindex(one);
    await reindex(two);
    expect((await localIndex(index).describe()).vectorCount).toBe(
      (await embeddedChunks(one)) + (await embeddedChunks(two)),
    );
    const fromOne = await call<SearchResponse>('GET', '/ai/search?q=invoice%20calculator%20tax', {
      as: 'cursor',
      env: one.env,
    });
    expect(fromOne.body.results.every((r) => (r.snippet?.text ?? '').includes('revokeSession'))).toBe(true);
  });
});
