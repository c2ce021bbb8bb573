import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { hostingEnv } from '../../support/hosting-env';
import { CLOUDWAYS_API_KEY, WORDPRESS_APP_PASSWORD } from '../../../src/local/upstreams/controls';
import type { GetReviewResponse } from '../../../src/routes/review/get-review';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('GET /ai/review', () => {
  it('answers health, live context and recent audit in one call, summary first, within budget', async () => {
    const e = hostingEnv('healthy', 'healthy');
    await call('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      body: { branch: 'feature/review', currentTask: 'ship the review' },
    });
    const result = await call<GetReviewResponse>('GET', '/ai/review', { as: 'gpt', env: e });
    expectStatus(result, 200);
    const body = result.body;
    expect(body.summary[0]).toMatch(/^Health ok: /);
    expect(body.summary[1]).toBe('Context v1 by cursor:alice on feature/review: ship the review.');
    expect(Object.keys(body.sections).sort()).toEqual([
      'audit',
      'context',
      'cursor',
      'github',
      'health',
      'index',
      'intents',
    ]);
    expect(body.sections.index).toEqual({ configured: false });
    expect(body.summary).toContain('No repository is indexed (INDEX_REPOS is not set).');
    expect(body.sections.github).toMatchObject({ configured: false });
    expect(body.sections.health).toMatchObject({ verdict: 'ok' });
    expect((body.sections.health!.layers as unknown[]).length).toBe(7);
    expect((body.sections.audit!.recent as unknown[]).length).toBeGreaterThan(0);
    expect(body).toMatchObject({ truncated: false, omitted: [], unavailable: [] });
    expect(bytes(result.text)).toBeLessThanOrEqual(body.budget.bytes);
    expect(body.budget.used).toBeGreaterThanOrEqual(bytes(result.text) - 20);
    expect(result.text).not.toContain(WORDPRESS_APP_PASSWORD);
    expect(result.text).not.toContain(CLOUDWAYS_API_KEY);
  });

  it('stays within a small budget by leaving out the least important sections, and says so', async () => {
    const e = { ...hostingEnv('healthy', 'healthy'), REVIEW_BUDGET_BYTES: '2000' };
    await call('PUT', '/ai/context', { as: 'human', env: e, body: { branch: 'main', notes: 'n'.repeat(1500) } });
    const result = await call<GetReviewResponse>('GET', '/ai/review', { as: 'human', env: e });
    expectStatus(result, 200);
    expect(bytes(result.text)).toBeLessThanOrEqual(2000);
    expect(result.body.truncated).toBe(true);
    expect(result.body.omitted[0]).toBe('audit');
    expect(result.body.sections.health).toBeDefined();
    // the summary still mentions every section that was built
    expect(result.body.summary.length).toBe(7);
  });
});

// A section that is too slow: test/review/build.test.ts (fake timers). Review latency: `npm run bench -- status`.
describeAuthCases('GET', '/ai/review', ['gpt', 'cursor', 'human', 'cron']);
