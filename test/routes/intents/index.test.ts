import { describe, expect, it } from 'vitest';
import { call } from '../../support/http';

// What every /ai/intents operation shares in the document; each operation's own cases are in its file beside this one.

describe('the /ai/intents operations in /openapi.json', () => {
  it('marks state-changing intent operations consequential for GPT Actions, and reads not', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    for (const op of ['', '/{id}/approve', '/{id}/reject', '/{id}/cancel', '/{id}/execute']) {
      expect(doc.paths[`/ai/intents${op}`].post['x-openai-isConsequential'], op).toBe(true);
    }
    expect(doc.paths['/ai/intents'].get['x-openai-isConsequential']).toBeUndefined();
    expect(doc.paths['/ai/intents/{id}'].get['x-openai-isConsequential']).toBeUndefined();
    expect(doc.paths['/ai/intents/{id}/approve'].post.responses['403'].description).toMatch(/policy_denied.*rule/);
    expect(doc.paths['/ai/intents/{id}/approve'].post.responses['501']).toBeTruthy();
  });
});
