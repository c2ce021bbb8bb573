import { expect, inject } from 'vitest';
import { call, expectStatus } from './http';
import type { IndexStatusResponse } from '../../src/routes/github/get-index-status';

export const gitHubUrl = () => inject('github').url;

export interface FixtureRepo {
  fullName: string;
  branch: string;
  head: string;
  /** Bindings that point the Worker at this repository, in a project of its own. */
  env: Record<string, unknown>;
}

/** A real git repository with these files, served with GitHub's REST shapes. */
export async function createFixtureRepo(
  files: Record<string, string>,
  extraEnv: Record<string, unknown> = {},
  /** Cut recursive tree listings sooner than GitHub's 100,000 entries / 7 MB. */
  treeLimits?: { entries?: number; bytes?: number },
): Promise<FixtureRepo> {
  const response = await fetch(`${gitHubUrl()}/_fixtures/repos`, {
    method: 'POST',
    body: JSON.stringify({ files, treeLimits }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const created = (await response.json()) as { fullName: string; branch: string; head: string };
  return {
    ...created,
    env: {
      PROJECT_ID: `idx-${crypto.randomUUID().slice(0, 12)}`,
      GITHUB_API_URL: gitHubUrl(),
      INDEX_REPOS: created.fullName,
      INDEX_RETRY_BASE_MS: '20',
      GITHUB_WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
      ...extraEnv,
    },
  };
}

export async function commit(
  repo: FixtureRepo,
  change: { write?: Record<string, string>; delete?: string[]; rename?: Record<string, string>; message?: string },
): Promise<string> {
  const response = await fetch(`${gitHubUrl()}/_fixtures/repos/${repo.fullName}/commits`, {
    method: 'POST',
    body: JSON.stringify(change),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { head } = (await response.json()) as { head: string };
  repo.head = head;
  return head;
}

export async function blobReads(repo: FixtureRepo): Promise<Record<string, number>> {
  const response = await fetch(`${gitHubUrl()}/_fixtures/repos/${repo.fullName}/reads`);
  return ((await response.json()) as { byPath: Record<string, number> }).byPath;
}

/** Requests the GitHub stand-in served for this repository, by kind (`commits`: list pages, `commit`: one commit with its files). */
export async function upstreamRequests(repo: FixtureRepo): Promise<Record<string, number>> {
  const response = await fetch(`${gitHubUrl()}/_fixtures/repos/${repo.fullName}/requests`);
  return (await response.json()) as Record<string, number>;
}

export async function injectBlobFault(repo: FixtureRepo, path: string, times = -1): Promise<void> {
  const response = await fetch(`${gitHubUrl()}/_fixtures/faults`, {
    method: 'POST',
    body: JSON.stringify({ fullName: repo.fullName, path, status: 500, times }),
  });
  expect(response.status).toBe(201);
}

export async function clearFaults(): Promise<void> {
  await fetch(`${gitHubUrl()}/_fixtures/faults`, { method: 'DELETE' });
}

export type RepoStatus = IndexStatusResponse['repos'][number];

export async function indexStatus(repo: FixtureRepo): Promise<RepoStatus> {
  const result = await call<IndexStatusResponse>('GET', '/ai/github/index', { as: 'human', env: repo.env });
  expectStatus(result, 200);
  return result.body.repos[0]!;
}

/** Poll the status until `done` says so (bounded by count, not by time assertions). */
export async function waitForStatus(
  repo: FixtureRepo,
  done: (status: RepoStatus) => boolean,
  what: string,
): Promise<RepoStatus> {
  let status = await indexStatus(repo);
  for (let i = 0; i < 400 && !done(status); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = await indexStatus(repo);
  }
  expect(done(status), `${what}; last status: ${JSON.stringify(status).slice(0, 1500)}`).toBe(true);
  return status;
}

/** Start a run through the API and wait until it has finished. */
export async function reindex(repo: FixtureRepo): Promise<RepoStatus> {
  const before = (await indexStatus(repo)).lastRun?.id ?? null;
  const started = await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env, body: {} });
  expectStatus(started, 202);
  return waitForStatus(
    repo,
    (s) => s.running === null && s.lastRun !== null && s.lastRun.id !== before,
    'the run finishes',
  );
}
