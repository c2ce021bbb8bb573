import { describe, it } from 'vitest';
import { expectProblem } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { ALL_CLIENTS } from '../../../src/auth/guard';
import { SOME_INTENT_ID, scenario } from '../../intents/helpers';

describe('GET /ai/intents/{id}', () => {
  it('answers 404 for an unknown intent and 400 for a malformed id', async () => {
    const s = scenario();
    expectProblem(await s.call('POST', `/ai/intents/${SOME_INTENT_ID}/approve`, 'human'), 404, 'not_found');
    expectProblem(await s.call('GET', `/ai/intents/${SOME_INTENT_ID}`, 'human'), 404, 'not_found');
    expectProblem(await s.call('GET', '/ai/intents/not-an-id', 'human'), 400, 'validation_failed');
  });

  it('an intent of one project is invisible from another', async () => {
    const a = scenario();
    const b = scenario();
    const intent = await a.propose('human', { kind: 'restart', target: 'production' });
    expectProblem(await b.call('GET', `/ai/intents/${intent.id}`, 'human'), 404, 'not_found');
    expectProblem(await b.call('POST', `/ai/intents/${intent.id}/approve`, 'humanBob'), 404, 'not_found');
  });
});

describeAuthCases('GET', `/ai/intents/${SOME_INTENT_ID}`, ALL_CLIENTS);
