import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { refusal } from '../support/api-error';
import { DurableObjectAnswerCache } from '../../src/adapters/cache-durable-object';
import { GitHubClient, type RepoRef } from '../../src/github/client';
import { ClientIntentGitHub } from '../../src/intents/github';
import { parseGitHubConnection } from '../../src/github/config';
import { call, expectStatus } from '../support/http';
import {
  clearFaults,
  commit,
  createFixtureRepo,
  gitHubUrl,
  injectBlobFault,
  waitForStatus,
  indexStatus,
  type FixtureRepo,
} from '../support/index-fixtures';
import { randomSha, scenario } from '../intents/helpers';

const github = inject('github');

/** The client as the indexer builds it: no answer cache, connection from variables alone. */
function bareClient(apiUrl: string, token?: string, fetchImpl?: typeof fetch): GitHubClient {
  return new GitHubClient({
    settings: parseGitHubConnection({ GITHUB_API_URL: apiUrl, GITHUB_TOKEN: token, GITHUB_TIMEOUT_MS: '5000' }),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

function refOf(fullName: string): RepoRef {
  const [owner, name] = fullName.split('/') as [string, string];
  return { owner, name, full: fullName };
}

describe('GitHubClient git data (against a real git repository served with GitHub shapes)', () => {
  it('reads a branch head with its tree, the recursive tree, and exact blob bytes', async () => {
    const text = 'export const greeting = "héllo ✓";\n';
    const repo = await createFixtureRepo({ 'src/a.ts': text, 'docs/deep/b.md': '# B\n' });
    const gh = bareClient(gitHubUrl());
    const head = await gh.branchHead(refOf(repo.fullName), repo.branch);
    expect(head.sha).toBe(repo.head);
    expect(head.tree).toMatch(/^[0-9a-f]{40}$/);

    const tree = await gh.gitTree(refOf(repo.fullName), head.tree);
    const blobs = tree.tree.filter((entry) => entry.type === 'blob');
    expect(blobs.map((entry) => entry.path).sort()).toEqual(['docs/deep/b.md', 'src/a.ts']);
    expect(tree.truncated).toBe(false);

    const file = blobs.find((entry) => entry.path === 'src/a.ts')!;
    const bytes = await gh.blob(refOf(repo.fullName), file.sha!);
    expect(bytes).toEqual(new TextEncoder().encode(text));
    expect(file.size).toBe(bytes.byteLength);
  });

  it('compares two commits: changed files with their status and how the commits relate', async () => {
    const repo = await createFixtureRepo({
      'a.ts': 'a\n',
      'b.ts': 'b\n',
      'c.ts': 'export const c = 1;\nexport const d = 2;\n',
    });
    const base = repo.head;
    const head = await commit(repo, {
      write: { 'a.ts': 'a2\n', 'new.ts': 'n\n' },
      delete: ['b.ts'],
      rename: { 'c.ts': 'moved/c.ts' },
    });
    const gh = bareClient(gitHubUrl());
    const ahead = await gh.compare(refOf(repo.fullName), base, head);
    expect(ahead.status).toBe('ahead');
    const byPath = Object.fromEntries((ahead.files ?? []).map((f) => [f.filename, f]));
    expect(byPath['a.ts']).toMatchObject({ status: 'modified' });
    expect(byPath['new.ts']).toMatchObject({ status: 'added' });
    expect(byPath['b.ts']).toMatchObject({ status: 'removed', sha: null });
    expect(byPath['moved/c.ts']).toMatchObject({ status: 'renamed', previous_filename: 'c.ts' });
    expect((await gh.compare(refOf(repo.fullName), head, base)).status).toBe('behind');
  });

  it('names the missing ref in a 404, maps 5xx to 502 and an unreachable host to 503', async () => {
    const repo = await createFixtureRepo({ 'x.ts': 'x\n', 'y.ts': 'y\n' });
    const gh = bareClient(gitHubUrl());
    const missing = await refusal(gh.branchHead(refOf(repo.fullName), 'ghost'));
    expect(missing).toMatchObject({ code: 'not_found', status: 404 });
    expect(missing.message).toContain(`branch ghost in ${repo.fullName}`);
    expect(missing.message).toContain('Branch not found');

    const tree = await gh.gitTree(refOf(repo.fullName), (await gh.branchHead(refOf(repo.fullName), repo.branch)).tree);
    const y = tree.tree.find((entry) => entry.path === 'y.ts')!;
    await injectBlobFault(repo, 'y.ts', 1);
    try {
      const failed = await refusal(gh.blob(refOf(repo.fullName), y.sha!));
      expect(failed).toMatchObject({ code: 'upstream_error', status: 502 });
      expect(failed.message).toContain(`blob ${y.sha!.slice(0, 12)} in ${repo.fullName}`);
    } finally {
      await clearFaults(repo);
    }
    expect(new TextDecoder().decode(await gh.blob(refOf(repo.fullName), y.sha!))).toBe('y\n');

    const unreachable = await refusal(bareClient(github.unreachableUrl).compare(refOf(repo.fullName), 'a', 'b'));
    expect(unreachable).toMatchObject({ code: 'upstream_unavailable', status: 503 });
  });

  it('without an answer cache sends no conditional requests, counts every request, and sends no token when none is configured', async () => {
    const repo = await createFixtureRepo({ 'x.ts': 'x\n' });
    const seen: Headers[] = [];
    const gh = bareClient(gitHubUrl(), undefined, (input, init) => {
      seen.push(new Headers(init?.headers));
      return fetch(input, init);
    });
    await gh.branchHead(refOf(repo.fullName), repo.branch);
    await gh.branchHead(refOf(repo.fullName), repo.branch);
    expect(gh.stats).toEqual({ requests: 2, notModified: 0 });
    expect(seen.map((h) => h.get('if-none-match'))).toEqual([null, null]);
    expect(seen.every((h) => h.get('authorization') === null)).toBe(true); // anonymous: no token configured
  });

  it('honours a GitHub Enterprise API root (path prefix) and sends the token only there', async () => {
    const repo = await createFixtureRepo({ 'x.ts': 'x\n' });
    const enterprise = `${gitHubUrl()}/api/v3`;
    const urls: string[] = [];
    const gh = bareClient(enterprise, github.token, (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      urls.push(url);
      expect(new Headers(init?.headers).get('authorization')).toBe(`token ${github.token}`);
      // The stand-in serves GitHub.com's paths; strip the Enterprise prefix on its way there.
      return fetch(url.replace('/api/v3/', '/'), init);
    });
    expect((await gh.branchHead(refOf(repo.fullName), repo.branch)).sha).toBe(repo.head);
    expect(urls).toEqual([`${enterprise}/repos/${repo.fullName}/branches/${repo.branch}`]);
  });
});

describe('GitHubClient Actions calls for intents (against the Actions stand-in)', () => {
  const client = (token = github.token) => bareClient(github.url, token);

  it('dispatches with run details, falls back once for an older server, and finds the dispatched run', async () => {
    const s = scenario();
    const head = await s.createBranch('staging');
    const gh = client();
    const { runId } = await gh.dispatchWorkflow(refOf(s.repo), 'deploy.yml', 'staging', { commit: head });
    expect(runId).toEqual(expect.any(Number));
    expect(gh.rateLimit).toMatchObject({ limit: 5000 });

    await s.behaviour({ olderServer: true });
    const since = new Date();
    expect(await gh.dispatchWorkflow(refOf(s.repo), 'deploy.yml', 'staging', {})).toEqual({});
    expect(await s.dispatches()).toHaveLength(2);
    const runs = await gh.dispatchedRuns(refOf(s.repo), {
      workflow: 'deploy.yml',
      branch: 'staging',
      headSha: head,
      since,
    });
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.every((run) => run.head_sha === head && run.head_branch === 'staging')).toBe(true);
    for (let i = 1; i < runs.length; i++)
      expect(Date.parse(runs[i - 1]!.created_at)).toBeGreaterThanOrEqual(Date.parse(runs[i]!.created_at));
    expect(
      await gh.dispatchedRuns(refOf(s.repo), {
        workflow: 'deploy.yml',
        branch: 'staging',
        headSha: randomSha(),
        since,
      }),
    ).toEqual([]);
    expect((await gh.workflowRun(refOf(s.repo), runId!)).id).toBe(runId);
  });

  it("intents calls leave the rate limit GitHub reported in the deployment's memory, even when refused", async () => {
    const s = scenario();
    await s.createBranch('staging');
    const project = `rl-${crypto.randomUUID().slice(0, 8)}`;
    const cached = new GitHubClient({
      settings: parseGitHubConnection({ GITHUB_API_URL: github.url, GITHUB_TOKEN: github.token }),
      cache: new DurableObjectAnswerCache(env.CONTEXT_STORE, project),
      cacheNamespace: `hezlep:${project}:github`,
    });
    expect(await cached.rememberedRateLimit()).toBeNull();
    const intents = new ClientIntentGitHub(cached, refOf(s.repo));
    await s.behaviour({ rateLimitNext: 'primary' });
    expect((await refusal(intents.branchHead('staging'))).code).toBe('rate_limited');
    expect(await cached.rememberedRateLimit()).toMatchObject({ remaining: 0 });
    await intents.branchHead('staging');
    expect(await cached.rememberedRateLimit()).toMatchObject({ limit: 5000, remaining: 4999 });
  });

  it('a refused dispatch (422) is an upstream refusal naming the workflow, not a caller validation error', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const refused = await refusal(client().dispatchWorkflow(refOf(s.repo), 'deploy.yml', 'ghost', {}));
    expect(refused).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(refused.message).toContain(`workflow deploy.yml in ${s.repo}`);
    expect(refused.message).toMatch(/422: No ref found for: ghost/);
  });

  it('maps rate limits to 429 with retryAfter and never echoes a refused token', async () => {
    const s = scenario();
    await s.createBranch('staging');
    await s.behaviour({ rateLimitNext: 'secondary' });
    const limited = await refusal(client().combinedStatus(refOf(s.repo), randomSha()));
    expect(limited).toMatchObject({ code: 'rate_limited', status: 429, extra: { retryAfter: 30 } });
    const badToken = 'ghp_not-the-token-1111111111';
    const refused = await refusal(client(badToken).branchHead(refOf(s.repo), 'staging'));
    expect(refused.code).toBe('upstream_error');
    expect(JSON.stringify({ message: refused.message, extra: refused.extra })).not.toContain(badToken);
  });
});

describe('the repo-index object builds its client from its own env', () => {
  it('keeps the token out of the stored run state and the run record', async () => {
    const token = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
    const repo: FixtureRepo = await createFixtureRepo({ 'src/a.ts': 'export const a = 1;\n' }, { GITHUB_TOKEN: token });
    const started = await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env, body: {} });
    expectStatus(started, 202);
    const ns = env.REPO_INDEX!;
    const stub = ns.get(ns.idFromName(`${repo.env.PROJECT_ID}:${repo.fullName}@${repo.branch}`));
    const during = await runInDurableObject(stub, (_instance, state) =>
      [...state.storage.sql.exec('SELECT state FROM run_state')].map((row) => JSON.stringify(row)).join('\n'),
    );
    expect(during).not.toContain(token);
    const status = await waitForStatus(repo, (s) => s.running === null && s.lastRun !== null, 'the run finishes');
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded' });
    const stored = await runInDurableObject(stub, (_instance, state) =>
      ['meta', 'runs', 'run_state']
        .flatMap((table) => [...state.storage.sql.exec(`SELECT * FROM ${table}`)].map((row) => JSON.stringify(row)))
        .join('\n'),
    );
    expect(stored).toContain(repo.head); // the check reads real rows
    expect(stored).not.toContain(token);
    expect(JSON.stringify(await indexStatus(repo))).not.toContain(token);
  });
});
