import { env, createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import worker from '../../../src/index';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { scenario } from '../../intents/helpers';
import { commit, createFixtureRepo } from '../../support/index-fixtures';
import type { GetDigestResponse } from '../../../src/routes/digest/get-digest';

describeAuthCases('GET', '/ai/digest', ['gpt', 'cursor', 'human', 'cron']);

async function morning(environment: Record<string, unknown>) {
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ cron: '30 6 * * MON-FRI' }),
    { ...env, ...environment } as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

const SECRET = `ghp_${'Zx9'.repeat(12)}`;

describe('daily digest', () => {
  it('is a 404 naming the schedule until the first digest is built', async () => {
    const s = scenario();
    const result = await s.call('GET', '/ai/digest', 'gpt');
    expectProblem(result, 404, 'not_found');
    expect(result.body.detail).toContain('30 6 * * MON-FRI');
  });

  it('the morning job checks status and lists what changed (commits, runs, intents, index), kept and redacted', async () => {
    const s = scenario();
    await s.createBranch('staging');
    await s.propose('gpt', { kind: 'deploy', target: 'staging', reason: `digest test ${SECRET}` });

    await morning(s.env);

    const result = await s.call<GetDigestResponse>('GET', '/ai/digest', 'gpt');
    expectStatus(result, 200);
    const digest = result.body;
    expect(Object.keys(digest.sections).sort(), result.text).toEqual(['changes', 'health', 'index', 'intents']);
    expect(digest.summary.length).toBe(4);
    expect(Date.parse(digest.generatedAt) - Date.parse(digest.since)).toBe(86_400_000);
    const intents = digest.sections.intents as { byAction: Record<string, number> };
    expect(
      Object.keys(intents.byAction).some((action) => action.includes('propose')),
      result.text,
    ).toBe(true);
    expect((digest.sections.changes as { repo: string }).repo).toBe(s.repo);
    expect(result.text).not.toContain(SECRET);

    // Kept in the audit timeline, without the secret either.
    const audit = await s.call('GET', '/ai/audit?action=digest.published&limit=1', 'human');
    expectStatus(audit, 200);
    expect(audit.body.entries[0].seq).toBe(digest.seq);
    expect(audit.text).not.toContain(SECRET);

    // The next digest covers the time since this one.
    await morning(s.env);
    const next = await s.call<GetDigestResponse>('GET', '/ai/digest', 'cursor');
    expectStatus(next, 200);
    expect(next.body.seq).toBeGreaterThan(digest.seq);
    expect(next.body.since).toBe(digest.generatedAt);
  });

  it("lists the day's commits from the repository's real git history", async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    await commit(repo, { write: { 'src/b.ts': 'export const b = 2;\n' } });
    const e = { ...repo.env, GITHUB_REPO: repo.fullName, GITHUB_TOKEN: inject('github').token };
    await morning(e);
    const result = await call<GetDigestResponse>('GET', '/ai/digest', { as: 'gpt', env: e });
    expectStatus(result, 200);
    const changes = result.body.sections.changes as { commits: { shortSha: string }[] };
    expect(
      changes.commits.map((c) => c.shortSha),
      result.text,
    ).toContain(repo.head.slice(0, 7));
    expect(changes.commits.length).toBe(2);
    expect(result.body.summary.join(' ')).toContain('2 commit(s)');
  });

  it('a section whose backend fails is listed as unavailable, the digest is still kept', async () => {
    const s = scenario({ GITHUB_TOKEN: 'ghp_revoked0000000000000000000000000000' });
    await morning(s.env);
    const result = await s.call<GetDigestResponse>('GET', '/ai/digest', 'human');
    expectStatus(result, 200);
    expect(
      result.body.unavailable.map((u) => u.section),
      result.text,
    ).toContain('changes');
    expect(result.body.sections.health).toBeDefined();
  });
});
