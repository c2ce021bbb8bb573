import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import type { AuditEntry } from '../../src/audit/log';
import type { Outcome } from '../../src/objects/ledger';

// This project is deployed with an INTENT_POLICY its schema refuses (test/vitest.config.ts): the Worker and
// the ledger object both read it from their own env, and each refuses intent changes over it, naming it.

const project = () => ({ PROJECT_ID: `broken-${crypto.randomUUID().slice(0, 12)}` });

describe('a broken INTENT_POLICY', () => {
  it('refuses intent calls loudly, naming the variable; the rest of the service works', async () => {
    const e = project();
    const result = await call('POST', '/ai/intents', { as: 'human', env: e, body: { kind: 'restart', target: 'p' } });
    expectProblem(result, 503, 'misconfigured');
    expect(result.body.detail).toMatch(/INTENT_POLICY.*gpt client can never approve/);
    // The context is written through the same ledger object, which refuses only intent changes.
    expectStatus(await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'feature/x' } }), 200);
  });

  it('the ledger object refuses an intent change with its own copy of the policy, and still appends to the chain', async () => {
    const stub = env.LEDGER.get(env.LEDGER.idFromName(`broken-policy:${crypto.randomUUID()}`));
    const caller = { client: 'cron' as const, label: 'cron' };
    const context = { project: project().PROJECT_ID, caller, requestId: 'broken-policy', now: new Date() };
    const refused = (await stub.intentOperation('expire', context, {})) as Outcome<unknown>;
    expect(refused).toMatchObject({ ok: false, error: { code: 'misconfigured' } });
    expect(!refused.ok && refused.error.detail).toMatch(/INTENT_POLICY.*gpt client can never approve/);
    const [appended] = (await stub.append({ caller, requestId: 'broken-policy' }, [
      { action: 'test.ledger', target: 'test:broken-policy', summary: 'broken policy, working chain', detail: {} },
    ])) as Outcome<AuditEntry>[];
    expect(appended).toMatchObject({ ok: true });
  });
});
