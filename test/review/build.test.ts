import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReview } from '../../src/review/build';
import type { ReviewSection } from '../../src/review/sections';
import { loadConfig } from '../../src/config';
import { buildServices, type Services } from '../../src/services';
import { Logger } from '../../src/lib/log';

async function context(vars: Record<string, unknown> = {}) {
  const config = await loadConfig({ ...env, ...vars } as never);
  return {
    services: buildServices(config, env as never, new Logger('silent'), 'review-test'),
    caller: { client: 'human' as const, label: 'human' },
  };
}

const section = (name: string, priority: number, size: number, fail = false): ReviewSection<Services> => ({
  name,
  priority,
  build: async () => {
    if (fail) throw new Error('internal secret');
    return { headline: `${name} line`, data: { blob: 'x'.repeat(size) } };
  },
});

describe('review assembly', () => {
  it('orders summary lines by priority and drops from the least important end to fit', async () => {
    const review = await buildReview(await context({ REVIEW_BUDGET_BYTES: '3000' }), [
      section('c', 3, 1000),
      section('a', 1, 1000),
      section('b', 2, 1000),
    ]);
    expect(review.summary).toEqual(['a line', 'b line', 'c line']);
    expect(review.omitted).toEqual(['c']);
    expect(Object.keys(review.sections)).toEqual(['a', 'b']);
    expect(JSON.stringify(review).length).toBeLessThanOrEqual(3000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a section that does not answer within REVIEW_SECTION_TIMEOUT_MS unavailable, and keeps the rest', async () => {
    const ctx = await context({ REVIEW_SECTION_TIMEOUT_MS: '200' });
    vi.useFakeTimers();
    const hanging: ReviewSection<Services> = { name: 'hanging', priority: 1, build: () => new Promise(() => {}) };
    const pending = buildReview(ctx, [hanging, section('quick', 2, 10)]);
    // Just short of the deadline nothing is decided; at the deadline the hanging section is given up.
    await vi.advanceTimersByTimeAsync(199);
    let settled = false;
    void pending.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const review = await pending;
    expect(review.unavailable).toEqual([{ section: 'hanging', reason: 'no answer within 200 ms' }]);
    expect(review.summary).toEqual(['quick line']);
    expect(Object.keys(review.sections)).toEqual(['quick']);
  });

  it('never leaks an unexpected error message', async () => {
    const review = await buildReview(await context(), [section('bad', 1, 10, true)]);
    expect(review.unavailable).toEqual([{ section: 'bad', reason: 'the section failed unexpectedly' }]);
  });
});
