import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { freshProject } from '../../support/project';
import type { ContextWriteResponse } from '../../../src/routes/context/put-context';

const project = () => freshProject('ctx');

describe('DELETE /ai/context (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => project();

  it('DELETE clears; a later GET says nothing is live; versions keep growing', async () => {
    const e = envFor();
    await call('PUT', '/ai/context', { as: 'human', env: e, body: { branch: 'b' } });
    const cleared = await call('DELETE', '/ai/context', { as: 'human', env: e });
    expectStatus(cleared, 200);
    expect(cleared.body).toEqual({ cleared: true, version: 1 });
    expect((await call('GET', '/ai/context', { as: 'human', env: e })).body.live).toBe(false);
    expect((await call('DELETE', '/ai/context', { as: 'human', env: e })).body).toEqual({
      cleared: false,
      version: null,
    });
    const next = await call<ContextWriteResponse>('PUT', '/ai/context', {
      as: 'human',
      env: e,
      body: { branch: 'c' },
    });
    expect(next.body.version).toBe(2);
  });
});

describe('DELETE /ai/context input errors', () => {
  const e = project();
  it('rejects a malformed version on DELETE', async () => {
    expectProblem(await call('DELETE', '/ai/context?version=abc', { as: 'gpt', env: e }), 400, 'validation_failed');
  });
});

describeAuthCases('DELETE', '/ai/context', ['gpt', 'cursor', 'human', 'cron']);
