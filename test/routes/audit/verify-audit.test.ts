import { describe, expect, it } from 'vitest';
import { describeAuthCases } from '../../support/auth-cases';
import { call, expectStatus } from '../../support/http';
import type { VerifyAuditResponse } from '../../../src/routes/audit/verify-audit';

// Verification across a rotation's cut (with a checkpoint) is tested with the rotation, in
// test/rotation/audit-rotation.test.ts (a project of its own: rotation rewrites the whole chain).
describe('audit verify without a checkpoint', () => {
  it('is intact on the shared chain, which starts at seq 1', async () => {
    const result = await call<VerifyAuditResponse>('GET', '/ai/audit/verify', { as: 'human' });
    expectStatus(result, 200);
    expect(result.body).toMatchObject({ intact: true, firstSeq: 1 });
    expect(result.body.archivedThrough).toBeUndefined();
  });
});

describeAuthCases('GET', '/ai/audit/verify', ['gpt', 'cursor', 'human', 'cron']);
