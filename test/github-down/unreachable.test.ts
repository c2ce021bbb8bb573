import { describe, expect, it, vi } from 'vitest';
import { call, expectProblem } from '../support/http';
import { freshRepo, github, githubEnv } from '../support/github';

// Project github-down: GITHUB_API_URL is a URL where nothing listens, for the Worker and the index object alike.
describe('an unreachable GitHub', () => {
  it('becomes 503', async () => {
    const result = await call('GET', '/ai/github/repo', { as: 'gpt', env: githubEnv(freshRepo()) });
    expectProblem(result, 503, 'upstream_unavailable');
  });

  it('is logged without the token', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    const spies = [
      vi.spyOn(console, 'log').mockImplementation(capture),
      vi.spyOn(console, 'error').mockImplementation(capture),
      vi.spyOn(console, 'warn').mockImplementation(capture),
    ];
    try {
      const env = githubEnv(freshRepo(), { LOG_LEVEL: 'debug' });
      expectProblem(await call('GET', '/ai/github/repo', { as: 'gpt', env }), 503, 'upstream_unavailable');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines.filter((line) => line.includes(github.token))).toEqual([]);
  });
});
