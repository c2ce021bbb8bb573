import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { buildReview } from '../../src/review/build';
import type { ReviewSection } from '../../src/review/sections';
import { loadConfig } from '../../src/config';
import { buildServices, type Services } from '../../src/services';
import { Logger } from '../../src/lib/log';

async function context(vars: Record<string, unknown> = {}) {
  const config = await loadConfig({ ...env, ...vars } as never);
  return { services: buildServices(config, env as never, new Logger('silent'), 'review-test'), caller: { client: 'human' as const, label: 'human' } };
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

  it('never leaks an unexpected error message', async () => {
    const review = await buildReview(await context(), [section('bad', 1, 10, true)]);
    expect(review.unavailable).toEqual([{ section: 'bad', reason: 'the section failed unexpectedly' }]);
  });
});
