import { describe, expect, it } from 'vitest';
import { call, INDEX_OBJECT_SETTINGS } from '../support/http';
import { openListener } from '../support/listener';
import { appFetch } from '../support/mcp';

describe("the index object's settings are the project's, never a request's", () => {
  it('lists what the object reads from its env, and leaves the Worker its own', () => {
    for (const name of [
      'GITHUB_API_URL',
      'INDEX_BATCH_FILES',
      'INDEX_EMBEDDER',
      'SEARCH_WEIGHTS',
      'OPENAI_SUMMARY_MODEL',
    ])
      expect(INDEX_OBJECT_SETTINGS).toContain(name);
    for (const name of ['INDEX_REPOS', 'GITHUB_WEBHOOK_SECRET', 'GITHUB_TOKEN'])
      expect(INDEX_OBJECT_SETTINGS).not.toContain(name);
  });

  it('call(), the event listener and MCP fetches refuse them per request', async () => {
    const env = { SEARCH_WEIGHTS: '{"vector":0}' };
    await expect(call('GET', '/ai/search?q=a', { as: 'cursor', env })).rejects.toThrow(
      /SEARCH_WEIGHTS: the index object reads/,
    );
    await expect(openListener('?topics=index', { as: 'cursor', env: { INDEX_BATCH_FILES: '1' } })).rejects.toThrow(
      /INDEX_BATCH_FILES/,
    );
    expect(() => appFetch({ env: { GITHUB_API_URL: 'http://127.0.0.1:9' } })).toThrow(/GITHUB_API_URL/);
  });
});
