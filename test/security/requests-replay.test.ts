import { inject, describe, expect, it } from 'vitest';
import { expectStatus } from '../support/http';
import { scenario } from '../intents/helpers';
import type { ExecuteIntentResponse } from '../../src/routes/intents/execute-intent';

/** Idempotent by id: one execution of an intent, however many clients ask at once, is one dispatch and one of each entry. */

const github = inject('github');

async function auditActions(s: ReturnType<typeof scenario>, id: string): Promise<string[]> {
  const audit = await s.call('GET', `/ai/audit?target=intent:${id}&limit=100`, 'human');
  expectStatus(audit, 200);
  return (audit.body.entries as { action: string }[]).map((e) => e.action);
}

describe('ten concurrent executes of one intent', () => {
  it('dispatch once and write one intent.execute and one intent.dispatch audit entry', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const intent = await s.propose('gpt', { kind: 'deploy', target: 'staging', reason: 'release' });
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 200);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.call<ExecuteIntentResponse>('POST', `/ai/intents/${intent.id}/execute`, i % 2 ? 'human' : 'cursorBob'),
      ),
    );
    for (const r of results) expectStatus(r, 202);
    expect(results.filter((r) => r.body.started)).toHaveLength(1);
    expect(await s.dispatches()).toHaveLength(1);
    const actions = await auditActions(s, intent.id);
    expect(
      actions.filter((a) => a === 'intent.execute'),
      actions.join(', '),
    ).toHaveLength(1);
    expect(
      actions.filter((a) => a === 'intent.dispatch'),
      actions.join(', '),
    ).toHaveLength(1);
  });

  it('ten retries that all find the same run of a dispatch whose answer was lost record it once', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const intent = await s.propose('gpt', { kind: 'deploy', target: 'staging', reason: 'release' });
    expectStatus(await s.call('POST', `/ai/intents/${intent.id}/approve`, 'human'), 200);
    // GitHub answers 502: the dispatch's outcome is unknown, so the intent waits, executing, for its run to appear.
    await s.behaviour({ failNextDispatch: 502 });
    const first = await s.call<ExecuteIntentResponse>('POST', `/ai/intents/${intent.id}/execute`, 'human');
    expectStatus(first, 202);
    expect(first.body.intent.execution?.runId).toBeUndefined();
    // The run the lost dispatch started shows up on GitHub (created here, as the dispatch would have).
    const dispatched = await fetch(`${github.url}/repos/${s.repo}/actions/workflows/deploy.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${github.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'staging', inputs: { intent: intent.id } }),
    });
    expect(dispatched.status).toBe(204);
    const retries = await Promise.all(
      Array.from({ length: 10 }, () =>
        s.call<ExecuteIntentResponse>('POST', `/ai/intents/${intent.id}/execute`, 'cursorBob'),
      ),
    );
    for (const r of retries) expectStatus(r, 202);
    const actions = await auditActions(s, intent.id);
    expect(
      actions.filter((a) => a === 'intent.dispatch'),
      actions.join(', '),
    ).toHaveLength(1);
  });
});
