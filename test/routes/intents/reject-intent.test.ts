import { describe, expect, it } from 'vitest';
import { expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { SOME_INTENT_ID, scenario } from '../../intents/helpers';
import type { GetIntentResponse } from '../../../src/routes/intents/get-intent';

describe('POST /ai/intents/{id}/reject', () => {
  it('reject: humans and Cursor may, the GPT and cron may not; a rejected intent stays rejected', async () => {
    const s = scenario();
    const intent = await s.propose('gpt', { kind: 'restart', target: 'production' });
    expect((await s.call('POST', `/ai/intents/${intent.id}/reject`, 'gpt')).body.rule).toBe('rejecter-allowed');
    expect((await s.call('POST', `/ai/intents/${intent.id}/reject`, 'cron')).body.rule).toBe('rejecter-allowed');
    const rejected = await s.call('POST', `/ai/intents/${intent.id}/reject`, 'cursor', { reason: 'wrong environment' });
    expectStatus(rejected, 200);
    expect(rejected.body.intent.state).toBe('rejected');
    expectProblem(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 409, 'invalid_state');
    expectProblem(await s.call('POST', `/ai/intents/${intent.id}/execute`, 'human'), 409, 'invalid_state');
    const got = await s.call<GetIntentResponse>('GET', `/ai/intents/${intent.id}`, 'human');
    expect(got.body.decisions.map((d) => `${d.action}:${d.allowed}`)).toEqual([
      'propose:true',
      'reject.denied:false',
      'reject.denied:false',
      'reject:true',
    ]);
  });
});

describeAuthCases('POST', `/ai/intents/${SOME_INTENT_ID}/reject`, ALL_CLIENTS);
