import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { freshProject } from '../../support/project';
import type { GetContextResponse } from '../../../src/routes/context/get-context';

const project = () => freshProject('ctx');

describe('GET /ai/context (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => project();

  it('says plainly when there is no live context', async () => {
    const result = await call<GetContextResponse>('GET', '/ai/context', { as: 'gpt', env: envFor() });
    expectStatus(result, 200);
    expect(result.body).toMatchObject({ live: false });
    expect((result.body as { message: string }).message).toMatch(/no live shared context/i);
  });
});

describeAuthCases('GET', '/ai/context', ['gpt', 'cursor', 'human', 'cron']);
