import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { commit, createFixtureRepo, indexEvents, indexLayer, reindex, waitForStatus } from '../support/index-fixtures';
import { TS_FILE } from '../support/index-repos';
import { indexEventPublisher } from '../../src/code-index/events';
import { ageOf, freshnessProblem } from '../../src/code-index/status';
import { HubEventPublisher, hubStub } from '../../src/objects/event-hub';
import { deliverWebhook } from '../support/webhook';
import type { GetReviewResponse } from '../../src/routes/review/get-review';
import type { PublishedEvent } from '../../src/events/wire';

describe('the index layer in /ai/status', () => {
  it('never indexed, then ok at head, then degraded naming the repository when the branch moves', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': TS_FILE('alpha') });
    const key = `${repo.fullName}@main`;

    const before = await indexLayer(repo.env);
    expect(before.layer).toMatchObject({ state: 'degraded', reason: `${key}: never indexed` });
    expect(before.body.verdict).toBe('degraded');

    await reindex(repo);
    const fresh = await indexLayer(repo.env);
    expect(fresh.layer.state, JSON.stringify(fresh.layer)).toBe('ok');
    expect(fresh.layer.reason).toMatch(
      new RegExp(
        `^local-hash-384 \\+ embedded vectors; 1 repository indexed at head \\(${key} ${repo.head.slice(0, 7)}\\); oldest index \\d+ min old$`,
      ),
    );
    expect(fresh.layer.details).toMatchObject({
      backends: {
        embedder: 'local-hash-384',
        embedderKind: 'local',
        vectorStore: 'embedded',
        bindings: 'cloudflare',
        deployed: false,
      },
      repos: [
        {
          repo: key,
          indexedCommit: repo.head,
          headCommit: repo.head,
          stale: false,
          running: false,
          lastRun: { outcome: 'succeeded' },
        },
      ],
    });

    const indexed = repo.head;
    const moved = await commit(repo, { write: { 'src/b.ts': TS_FILE('beta') } });
    const stale = await indexLayer(repo.env);
    expect(stale.layer.state).toBe('degraded');
    expect(stale.layer.reason).toMatch(
      new RegExp(`^${key}: behind, indexed ${indexed.slice(0, 7)} \\d+ min ago, head ${moved.slice(0, 7)}$`),
    );
    expect(stale.layer.details).toMatchObject({
      repos: [{ repo: key, indexedCommit: indexed, headCommit: moved, stale: true }],
    });
    expect(stale.body.summary).toContain(`index degraded (${key}: behind`);

    await reindex(repo);
    expect((await indexLayer(repo.env)).layer.state).toBe('ok');
  });

  it('names every problem repository and how far behind it is', () => {
    const now = Date.parse('2026-01-02T12:00:00Z');
    const base = {
      indexedCommit: 'a'.repeat(40),
      headCommit: 'b'.repeat(40),
      stale: true,
      indexedAt: '2026-01-02T09:00:00Z',
      running: false,
      lastRun: null,
    };
    expect(freshnessProblem('acme/api@main', base, now)).toBe(
      'acme/api@main: behind, indexed aaaaaaa 3 h ago, head bbbbbbb',
    );
    expect(freshnessProblem('acme/api@main', { ...base, running: true }, now)).toBe(
      'acme/api@main: behind, indexed aaaaaaa 3 h ago, head bbbbbbb, re-indexing now',
    );
    expect(freshnessProblem('acme/api@main', { ...base, stale: null, headCommit: null }, now)).toBe(
      'acme/api@main: head unknown (GitHub did not answer); indexed aaaaaaa 3 h ago',
    );
    expect(
      freshnessProblem('acme/api@main', { ...base, stale: false, headCommit: base.indexedCommit }, now),
    ).toBeNull();
    expect(
      freshnessProblem('acme/api@main', { ...base, indexedCommit: null, indexedAt: null, running: true }, now),
    ).toBe('acme/api@main: first index in progress');
    expect(ageOf('2025-12-30T12:00:00Z', now)).toBe('3 d');
    expect(ageOf('2026-01-02T11:15:00Z', now)).toBe('45 min');
  });
});

describe('index run events', () => {
  it('a push webhook starts a run that is told exactly once', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': TS_FILE('delta') });
    const payload = JSON.stringify({ ref: `refs/heads/${repo.branch}`, repository: { full_name: repo.fullName } });
    const hook = await deliverWebhook<{ runId: string }>(repo.env, payload);
    expectStatus(hook, 202);
    await waitForStatus(repo, (s) => s.lastRun?.id === hook.body.runId, 'the run finishes');
    const kept = (await hubStub(env.EVENT_HUB!, String(repo.env.PROJECT_ID)).recent(100, [
      'index',
    ])) as PublishedEvent[];
    expect(kept.map((e) => e.type)).toEqual(['index.run_started', 'index.run_succeeded']);
    expect(kept[0]).toMatchObject({
      actor: { client: 'cron', person: 'github-webhook' },
      data: { runId: hook.body.runId, trigger: 'webhook' },
    });
  });

  it('a run started by the reindex route is told once (by the index object, as the caller), then its success', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': TS_FILE('gamma') });
    const started = await call('POST', '/ai/github/reindex', { as: 'human', env: repo.env, body: {} });
    expectStatus(started, 202);
    await waitForStatus(repo, (s) => s.lastRun?.id === started.body.runId, 'the run finishes');
    const events = await indexEvents(repo.env, 2);
    expect(events.map((e) => e.type)).toEqual(['index.run_started', 'index.run_succeeded']);
    expect(events[0]).toMatchObject({
      actor: { client: 'human', person: 'alice' },
      data: { runId: started.body.runId, repo: repo.fullName, branch: 'main', trigger: 'manual' },
    });
    expect(events[1]).toMatchObject({
      actor: { client: 'human', person: 'alice' },
      data: {
        runId: started.body.runId,
        repo: repo.fullName,
        outcome: 'succeeded',
        headCommit: repo.head,
        stats: { filesIndexed: 1 },
      },
    });
    expect(events[1]!.summary).toContain(`Index run of ${repo.fullName}@main indexed 1 file(s)`);
  });

  it('the index object publishes to the project hub only when EVENT_HUB is bound and the run names its project', () => {
    expect(indexEventPublisher({ ...env, EVENT_HUB: undefined }, 'p1')).toBeNull();
    expect(indexEventPublisher({ ...env }, undefined)).toBeNull();
    expect(indexEventPublisher({ ...env }, 'p1')).toBeInstanceOf(HubEventPublisher);
  });

  it("the index object's publisher passes every event through the secret scanner", async () => {
    const project = `redact-${crypto.randomUUID()}`;
    const token = `ghp_${'Rk8Vw2Lq9Tz4Xn6Bm1Hc5Jd7Fg3Ps0Ya2Ue4'}`;
    await indexEventPublisher({ ...env }, project)!.publish({
      topic: 'index',
      type: 'index.run_failed',
      summary: `run failed: ${token}`,
      actor: { client: 'cron', label: 'cron' },
      data: { error: `bad credentials ${token}` },
    });
    const kept = JSON.stringify(await hubStub(env.EVENT_HUB!, project).recent(10));
    expect(kept).not.toContain(token);
    expect(kept).toContain('[REDACTED:github_token]');
  });
});

describe('the index section of /ai/review', () => {
  it('shows freshness and the top-level modules with counts, languages and prominent symbols', async () => {
    const repo = await createFixtureRepo({
      'src/github/client.ts': [
        'export class GitHubClient {',
        '  constructor(private readonly token: string) {}',
        '',
        '  async repository(name: string) {',
        '    const response = await fetch(`https://example.test/repos/${name}`);',
        '    return response.json();',
        '  }',
        '',
        '  async commits(name: string) {',
        '    const response = await fetch(`https://example.test/repos/${name}/commits`);',
        '    return response.json();',
        '  }',
        '}',
        '',
      ].join('\n'),
      'src/github/shape.ts': `${TS_FILE('shapeCommit')}\nfunction internalHelper(value: number): number {\n  const doubled = value * 2;\n  return doubled + 1;\n}\n`,
      'src/intents/policy.ts': TS_FILE('decide'),
      'src/index.ts': TS_FILE('main'),
      'docs/guide.md': '# Guide\n\nHow to run it.\n\n## Setup\n\nInstall things.\n',
      'scripts/build.py':
        'def build(target):\n    print(target)\n    return target\n\n\nclass Builder:\n    def run(self):\n        return 1\n',
      'README.md': '# Fixture\n\nA small repository.\n',
    });
    await reindex(repo);
    const result = await call<GetReviewResponse>('GET', '/ai/review', { as: 'gpt', env: repo.env });
    expectStatus(result, 200);
    const section = result.body.sections.index as {
      configured: boolean;
      repos: Array<{
        repo: string;
        freshness: Record<string, unknown>;
        modules: {
          total: number;
          shown: number;
          top: Array<{
            module: string;
            files: number;
            chunks: number;
            languages: Record<string, number>;
            symbols: string[];
          }>;
        };
      }>;
    };
    expect(section, result.text).toBeDefined();
    expect(section.configured).toBe(true);
    const [entry] = section.repos;
    expect(entry).toMatchObject({
      repo: repo.fullName,
      freshness: {
        indexedCommit: repo.head,
        headCommit: repo.head,
        stale: false,
        running: false,
        lastRun: { outcome: 'succeeded' },
      },
    });
    const byName = new Map(entry!.modules.top.map((m) => [m.module, m]));
    expect([...byName.keys()].sort()).toEqual(['.', 'docs', 'scripts', 'src', 'src/github', 'src/intents']);
    expect(entry!.modules).toMatchObject({ total: 6, shown: 6 });
    // largest first
    expect(entry!.modules.top[0]!.module).toBe('src/github');
    const github = byName.get('src/github')!;
    expect(github).toMatchObject({ files: 2, languages: { typescript: 2 } });
    expect(github.chunks).toBeGreaterThanOrEqual(3);
    // exported declarations first; the class counts its methods' chunks
    expect(github.symbols.slice(0, 2)).toEqual([
      expect.stringMatching(/^export class GitHubClient \(\d+ chunks?\)$/),
      'export function shapeCommit (1 chunk)',
    ]);
    expect(github.symbols).toContain('function internalHelper (1 chunk)');
    expect(byName.get('src/intents')).toMatchObject({
      files: 1,
      languages: { typescript: 1 },
      symbols: ['export function decide (1 chunk)'],
    });
    expect(byName.get('scripts')!.languages).toEqual({ python: 1 });
    // two small declarations share one chunk: named together, as a block
    expect(byName.get('scripts')!.symbols).toEqual(['block build, Builder (1 chunk)']);
    expect(byName.get('docs')!.languages).toEqual({ markdown: 1 });
    const summary = result.body.summary.find((line) => line.startsWith('Index: '));
    const largest = entry!.modules.top
      .slice(0, 3)
      .map((m) => `${m.module} (${m.chunks})`)
      .join(', ');
    expect(summary, JSON.stringify(result.body.summary)).toMatch(
      new RegExp(
        `^Index: ${repo.fullName}@main: at head ${repo.head.slice(0, 7)}, indexed \\d+ min ago; 6 module\\(s\\), largest `,
      ),
    );
    expect(summary!.endsWith(`largest ${largest}.`), summary).toBe(true);
  });

  it('is bounded: at most 12 modules of at most 5 symbols, with the total; stale is said', async () => {
    const files: Record<string, string> = {};
    for (let m = 0; m < 15; m++) {
      for (let f = 0; f < (m < 3 ? 2 : 1); f++) {
        files[`src/mod${String(m).padStart(2, '0')}/file${f}.ts`] = Array.from({ length: 4 + f }, (_, i) =>
          TS_FILE(`fn${m}x${f}x${i}`),
        ).join('\n');
      }
    }
    const repo = await createFixtureRepo(files);
    await reindex(repo);
    await commit(repo, { write: { 'src/mod00/new.ts': TS_FILE('later') } });
    const result = await call<GetReviewResponse>('GET', '/ai/review', { as: 'gpt', env: repo.env });
    expectStatus(result, 200);
    const section = result.body.sections.index as {
      repos: Array<{
        freshness: { stale: boolean };
        modules: { total: number; shown: number; top: Array<{ module: string; symbols: string[] }> };
      }>;
    };
    const modules = section.repos[0]!.modules;
    expect(modules).toMatchObject({ total: 15, shown: 12 });
    expect(modules.top).toHaveLength(12);
    expect(
      modules.top
        .slice(0, 3)
        .map((m) => m.module)
        .sort(),
    ).toEqual(['src/mod00', 'src/mod01', 'src/mod02']);
    for (const m of modules.top) expect(m.symbols.length, m.module).toBeLessThanOrEqual(5);
    expect(modules.top[0]!.symbols).toHaveLength(5);
    expect(section.repos[0]!.freshness.stale).toBe(true);
    expect(result.body.summary.find((line) => line.startsWith('Index: '))).toMatch(
      new RegExp(`^Index: ${repo.fullName}@main: behind, indexed `),
    );
  });
});
