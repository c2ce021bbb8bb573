import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { freshProject } from '../../support/project';
import type { ContextWriteResponse } from '../../../src/routes/context/put-context';

const project = () => freshProject('ctx');

describe('PATCH /ai/context (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => project();

  it('PATCH merges: values set, null removes, omitted stay', async () => {
    const e = envFor();
    await call('PUT', '/ai/context', {
      as: 'human',
      env: e,
      body: { branch: 'dev', notes: 'n1', currentTask: 't1' },
    });
    const patched = await call<ContextWriteResponse>('PATCH', '/ai/context', {
      as: 'human',
      env: e,
      body: { notes: null, currentTask: 't2', commit: 'deadbeef' },
    });
    expectStatus(patched, 200);
    expect(patched.body.context).toEqual({ branch: 'dev', currentTask: 't2', commit: 'deadbeef' });
    expect(patched.body.changedFields).toEqual(['commit', 'currentTask', 'notes']);
  });
});

describeAuthCases('PATCH', '/ai/context', ['gpt', 'cursor', 'human', 'cron'], { body: { branch: 'x' } });
