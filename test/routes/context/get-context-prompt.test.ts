import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { freshProject } from '../../support/project';
import { PROMPT_BUDGET_CHARS } from '../../../src/context/prompt-digest';
import type { PromptDigestResponse } from '../../../src/routes/context/get-context';

const project = () => freshProject('pd');

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
