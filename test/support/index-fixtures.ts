import { expect, inject } from 'vitest';
import { call, expectStatus } from './http';
import { mustOpen } from './listener';
import type { IndexStatusResponse } from '../../src/routes/github/get-index-status';
import type { GetStatusResponse } from '../../src/routes/status/get-status';
import type { HubMessage } from '../../src/events/wire';

export const gitHubUrl = () => inject('github').url;

export interface FixtureRepo {
  fullName: string;
  branch: string;
  head: string;
  /**
   * Bindings that point the Worker at this repository, in a project of its own. The index object's settings
   * (the GitHub stand-in's URL, limits, embedder…) come from the vitest project (test/support/index-settings.ts).
   */
  env: Record<string, unknown>;
}

/** A real git repository with these files, served with GitHub's REST shapes. */
export async function createFixtureRepo(
  files: Record<string, string>,
  /** Worker-side bindings only (e.g. GPT_CODE_EXPOSURE); call() refuses the index object's settings. */
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
      INDEX_REPOS: created.fullName,
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

/** Clear this repository's injected faults (only its own: tests of other projects share the stand-in). */
export async function clearFaults(repo: FixtureRepo): Promise<void> {
  await fetch(`${gitHubUrl()}/_fixtures/faults`, {
    method: 'DELETE',
    body: JSON.stringify({ fullName: repo.fullName }),
  });
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

/** The index layer of /ai/status for the project and repositories of `e`. */
export async function indexLayer(e: Record<string, unknown>) {
  const result = await call<GetStatusResponse>('GET', '/ai/status', { as: 'cron', env: e });
  expectStatus(result, 200);
  const layer = result.body.layers.find((l) => l.layer === 'index');
  expect(layer, result.text).toBeDefined();
  return { layer: layer!, body: result.body };
}

export type EventMessage = Extract<HubMessage, { kind: 'event' }>;

/** Every event of the project on topic `index`, replayed from the hub's history. */
export async function indexEvents(e: Record<string, unknown>, count: number): Promise<EventMessage[]> {
  const listener = await mustOpen('?topics=index&since=0', { as: 'cursor', env: e });
  try {
    const events = await listener.events(count);
    return events.filter((m) => m.topic === 'index');
  } finally {
    listener.close();
  }
}
