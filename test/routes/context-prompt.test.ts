import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { buildPromptDigest, PROMPT_BUDGET_CHARS } from '../../src/context/prompt-digest';
import type { PromptDigestResponse } from '../../src/routes/context/get-context';
import type { StoredCursorSession } from '../../src/cursor/session';

function project() {
  return { PROJECT_ID: `pd-${crypto.randomUUID().slice(0, 12)}` };
}

describe('GET /ai/context?view=prompt', () => {
  it('digests context, live sessions and recent events, and the pending intents', async () => {
    const e = project();
    await call('PUT', '/ai/context', {
      as: 'gpt',
      env: e,
      body: { branch: 'feature/pay', currentTask: 'Fix the refund rounding bug' },
    });
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: {
        workspace: 'shop',
        branch: 'feature/pay',
        file: 'src/refund.ts',
        diff: '+a\n+b\n-c\n',
        timestamp: new Date().toISOString(),
      },
    });
    const result = await call<PromptDigestResponse>('GET', '/ai/context?view=prompt', { as: 'gpt', env: e });
    expectStatus(result, 200);
    const { text } = result.body;
    expect(result.body).toMatchObject({
      view: 'prompt',
      truncated: false,
      budgetChars: PROMPT_BUDGET_CHARS,
      counts: { sessions: 1, pendingIntents: 0, events: 2 },
    });
    expect(text).toContain(`Project ${e.PROJECT_ID}`);
    expect(text).toContain('- currentTask: Fix the refund rounding bug');
    expect(text).toContain('- alice in shop on feature/pay editing src/refund.ts (+2 -1)');
    expect(text).toContain('Pending intents (0)\n- none');
    expect(text).toMatch(/- #\d+ \d+s ago cursor:alice: alice in shop/);
    expect(text).toMatch(/- #\d+ \d+s ago gpt: gpt replaced the context/);
    // Audit entries ("… the context (v1): …") repeat the changes, and the GPT's own recorded queries are noise to it: both stay out.
    expect(text).not.toContain('(v1)');
    expect(text).not.toMatch(/PUT \/ai\/context/);
  });

  it('the plain view is unchanged', async () => {
    const result = await call('GET', '/ai/context?view=full', { as: 'gpt', env: project() });
    expectStatus(result, 200);
    expect(result.body.live).toBe(false);
  });
});

describe('buildPromptDigest', () => {
  const now = new Date('2026-05-01T12:00:00.000Z');
  const session = (n: number): StoredCursorSession => ({
    user: `user${n}`,
    workspace: 'ws',
    branch: `branch-${n}-${'x'.repeat(80)}`,
    file: `src/file-${n}.ts`,
    clientTimestamp: now.toISOString(),
    receivedAt: now.toISOString(),
    expiresAt: now.toISOString(),
    updatedBy: { client: 'cursor' },
    version: 1,
  });

  it('never exceeds the budget and marks what it cut', () => {
    const digest = buildPromptDigest({
      project: 'p',
      context: {
        fields: {
          branch: 'main',
          notes: 'n'.repeat(3_900),
          currentTask: 't'.repeat(1_500),
          extra: { big: 'y'.repeat(5_000) },
        },
        updatedBy: { client: 'gpt' },
        updatedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 600_000).toISOString(),
        version: 4,
      },
      sessions: Array.from({ length: 200 }, (_, n) => session(n)),
      intents: Array.from({ length: 50 }, (_, n) => ({ id: `int_${n}`, summary: 'deploy staging '.repeat(10) })),
      events: Array.from({ length: 8 }, (_, n) => ({
        seq: n + 1,
        at: now.toISOString(),
        topic: 'context' as const,
        type: 't',
        summary: 's'.repeat(400),
      })),
      now,
    });
    expect(digest.text.length).toBeLessThanOrEqual(PROMPT_BUDGET_CHARS);
    expect(digest.truncated).toBe(true);
    expect(digest.text).toMatch(/- … \d+ more not shown/);
    for (const heading of [
      '## Shared context',
      '## Live cursor sessions (200)',
      '## Pending intents (50)',
      '## Recent events',
    ]) {
      expect(digest.text).toContain(heading);
    }
    // Newest event first.
    expect(digest.text.indexOf('#8 ')).toBeLessThan(digest.text.indexOf('#7 '));
  });

  it('is not marked truncated when everything fits', () => {
    const digest = buildPromptDigest({ project: 'p', context: null, sessions: [], intents: [], events: [], now });
    expect(digest.truncated).toBe(false);
    expect(digest.text).toContain('none live');
  });
});
