import { expect, inject } from 'vitest';
import type { RepoScenario } from '../../src/local/upstreams/controls';
import { call, type CallResult } from './http';
import type { TestIdentity } from './keys';

export const github = inject('github');

/** A fresh repository name and project per test, so server state and caches never meet. */
export function freshRepo(owner = 'acme'): string {
  return `${owner}/t-${crypto.randomUUID().slice(0, 8)}`;
}

export function githubEnv(repo: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    GITHUB_TOKEN: github.token,
    GITHUB_REPO: repo,
    PROJECT_ID: `gh-${crypto.randomUUID().slice(0, 12)}`,
    ...extra,
  };
}

/** GET a GitHub route as `as`, for `repo` on the GitHub stand-in (and a fresh project). */
export function getGitHub<T = any>(path: string, as: TestIdentity, repo: string): Promise<CallResult<T>> {
  return call<T>('GET', path, { as, env: githubEnv(repo) });
}

export async function scenario(repo: string, body: RepoScenario): Promise<void> {
  const response = await fetch(`${github.url}/_control/repos/${repo}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  await response.text();
}

export async function serverStats(
  repo: string,
): Promise<{ requests: number; notModified: number; paths: Record<string, number> }> {
  const response = await fetch(`${github.url}/_control/repos/${repo}/stats`);
  return (await response.json()) as { requests: number; notModified: number; paths: Record<string, number> };
}

/** The configured token must never appear in anything the API sends back. */
export function expectNoToken(result: CallResult): void {
  expect(result.text.includes(github.token), 'response contains the GitHub token').toBe(false);
  result.headers.forEach((value) => {
    expect(value.includes(github.token), 'a header contains the GitHub token').toBe(false);
  });
}
