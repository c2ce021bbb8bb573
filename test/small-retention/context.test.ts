import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import type { ContextWriteResponse } from '../../src/routes/context/put-context';

// This project's context lives 10 s (CONTEXT_TTL_SECONDS, test/vitest.config.ts, 'small-retention'): the ledger
// object, which writes the context, reads it from its own env.
describe('/ai/context with a short lifetime', () => {
  it('expires after the configured lifetime', async () => {
    const e = { PROJECT_ID: `ctx-${crypto.randomUUID().slice(0, 12)}` };
    const put = await call<ContextWriteResponse>('PUT', '/ai/context', { as: 'human', env: e, body: { branch: 'b' } });
    expectStatus(put, 200);
    expect(Date.parse(put.body.expiresAt) - Date.parse(put.body.updatedAt)).toBe(10_000);
  });
});
