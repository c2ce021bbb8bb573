import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DurableObjectAnswerCache } from '../../src/adapters/cache-durable-object';
import { parseGitHubConfig } from '../../src/github/config';
import { GitHubService } from '../../src/github/service';
import { Logger } from '../../src/lib/log';
import { freshRepo, github, serverStats } from '../support/github';

/** The client as the intents engine and the indexer use it, outside any route. */
function serviceFor(repo: string): GitHubService {
  const config = parseGitHubConfig({ GITHUB_TOKEN: github.token, GITHUB_REPO: repo, GITHUB_API_URL: github.url });
  if (!config.configured) throw new Error('expected configured');
  const project = `client-${crypto.randomUUID().slice(0, 8)}`;
  return new GitHubService(
    config.settings,
    new DurableObjectAnswerCache(env.CONTEXT_STORE, project),
    `hezlep:${project}:github`,
    new Logger('silent'),
  );
}

describe('GitHubClient', () => {
  it('reads a branch head and whether it is protected', async () => {
    const repo = freshRepo();
    const service = serviceFor(repo);
    const gh = service.client();
    const main = await gh.branchHead(service.repo(), 'main');
    expect(main.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(main.protected).toBe(true);
    expect((await gh.branchHead(service.repo(), 'develop')).protected).toBe(false);
    await expect(gh.branchHead(service.repo(), 'gone')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(`branch gone in ${repo}`),
    });
  });

  it('dispatches a workflow run', async () => {
    const repo = freshRepo();
    const service = serviceFor(repo);
    const gh = service.client();
    await gh.dispatchWorkflow(service.repo(), 'deploy.yml', 'main', { environment: 'staging' });
    expect((await serverStats(repo)).paths['/actions/workflows/deploy.yml/dispatches']).toBe(1);
    expect(gh.stats.requests).toBe(1);
    expect(gh.rateLimit?.limit).toBe(5000);
  });

  it('revalidates a remembered answer with If-None-Match', async () => {
    const repo = freshRepo();
    const service = serviceFor(repo);
    const first = service.client();
    const a = await first.checkRuns(service.repo(), (await first.branchHead(service.repo(), 'main')).sha);
    expect(first.stats.notModified).toBe(0);
    const second = service.client();
    const b = await second.checkRuns(service.repo(), (await second.branchHead(service.repo(), 'main')).sha);
    expect(b).toEqual(a);
    expect(second.stats).toEqual({ requests: 2, notModified: 2 });
  });

  it('reads at most the jobs asked for, following Link pages', async () => {
    const repo = freshRepo();
    const service = serviceFor(repo);
    const gh = service.client();
    const one = await gh.runJobs(service.repo(), 30433000, 1);
    expect(one).toMatchObject({ totalCount: 2, truncated: true });
    expect(one.jobs).toHaveLength(1);
    expect(gh.stats.requests).toBe(1);
  });

  it('remembers the last rate limit GitHub reported, for status pages', async () => {
    const service = serviceFor(freshRepo());
    expect(await service.lastRateLimit()).toBeNull();
    const answered = await service.runs(service.repo(), {}, 3);
    expect(answered.rateLimit).toMatchObject({ limit: 5000, resource: 'core' });
    expect(await service.lastRateLimit()).toEqual(answered.rateLimit);
  });
});
