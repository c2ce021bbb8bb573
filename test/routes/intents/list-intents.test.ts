import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { scenario } from '../../intents/helpers';
import type { ListIntentsResponse } from '../../../src/routes/intents/list-intents';

describe('GET /ai/intents', () => {
  it('lists newest first with filters and cursor pagination, never silently cut', async () => {
    const s = scenario();
    const made: string[] = [];
    for (const [as, kind] of [
      ['gpt', 'restart'],
      ['human', 'purge-cache'],
      ['gpt', 'purge-cache'],
      ['cursor', 'restart'],
      ['gpt', 'restart'],
    ] as const) {
      made.push((await s.propose(as, { kind, target: 'production' })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof s.call<ListIntentsResponse>>> = await s.call<ListIntentsResponse>(
        'GET',
        `/ai/intents?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        'gpt',
      );
      expectStatus(page, 200);
      seen.push(...page.body.intents.map((i) => i.id));
      expect(page.body.truncated).toBe(page.body.nextCursor !== null);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...made].reverse());
    expect(pages).toBe(3);

    const gptRestarts = await s.call<ListIntentsResponse>('GET', '/ai/intents?proposer=gpt&kind=restart', 'human');
    expect(gptRestarts.body.intents.map((i) => i.id)).toEqual([made[4], made[0]]);
    // A bare client names every proposal made through it; client:person one key's.
    const byCursor = await s.call<ListIntentsResponse>('GET', '/ai/intents?proposer=cursor', 'human');
    expect(byCursor.body.intents.map((i) => i.id)).toEqual([made[3]]);
    const byAlice = await s.call<ListIntentsResponse>('GET', '/ai/intents?proposer=human:alice', 'human');
    expect(byAlice.body.intents.map((i) => i.id)).toEqual([made[1]]);
    await s.call('POST', `/ai/intents/${made[1]}/approve`, 'cursorBob');
    const approved = await s.call<ListIntentsResponse>('GET', '/ai/intents?state=approved', 'human');
    expect(approved.body.intents.map((i) => i.id)).toEqual([made[1]]);
    expectProblem(await s.call('GET', '/ai/intents?cursor=garbage', 'human'), 400, 'validation_failed');
  });
});

describeAuthCases('GET', '/ai/intents', ALL_CLIENTS);
