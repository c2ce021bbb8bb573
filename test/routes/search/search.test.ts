import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { createFixtureRepo } from '../../support/index-fixtures';

describeAuthCases('GET', '/ai/search?q=x', ['gpt', 'cursor', 'human', 'cron']);

describe('bad questions to /ai/search', () => {
  it('answers 400 problem+json for an empty, a 10 KB or a control-character query', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    for (const q of ['', '   ', 'x'.repeat(10 * 1024), 'find\u0000me', 'bell\u0007', 'esc\u001b[31m', 'del\u007f']) {
      const result = await call('GET', `/ai/search?q=${encodeURIComponent(q)}`, { as: 'cursor', env: repo.env });
      expectProblem(result, 400, 'validation_failed');
      expect(result.headers.get('content-type')).toContain('application/problem+json');
    }
    expectProblem(await call('GET', '/ai/search', { as: 'cursor', env: repo.env }), 400, 'validation_failed');
  });
});
