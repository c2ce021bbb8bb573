import { describe, expect, it } from 'vitest';
import { expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { SOME_INTENT_ID, scenario } from '../../intents/helpers';

describe('POST /ai/intents/{id}/cancel', () => {
  it('cancel: the proposer may, another GPT-like caller may not; cancelling twice is harmless', async () => {
    const s = scenario();
    const mine = await s.propose('gpt', { kind: 'restart', target: 'production' });
    const cancelled = await s.call('POST', `/ai/intents/${mine.id}/cancel`, 'gpt', { reason: 'changed my mind' });
    expectStatus(cancelled, 200);
    expect(cancelled.body.intent.state).toBe('cancelled');
    expectStatus(await s.call('POST', `/ai/intents/${mine.id}/cancel`, 'gpt'), 200);

    const humans = await s.propose('human', { kind: 'restart', target: 'production' });
    expect((await s.call('POST', `/ai/intents/${humans.id}/cancel`, 'gpt')).body.rule).toBe('canceller-allowed');
    expectStatus(await s.call('POST', `/ai/intents/${humans.id}/cancel`, 'humanBob'), 200);
  });
});

describeAuthCases('POST', `/ai/intents/${SOME_INTENT_ID}/cancel`, ALL_CLIENTS);
