import { describe, expect, it } from 'vitest';
import { buildPromptDigest, PROMPT_BUDGET_CHARS } from '../../src/context/prompt-digest';
import type { StoredCursorSession } from '../../src/cursor/session';

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
