import { describe, expect, it } from 'vitest';
import { createFixtureRepo, reindex } from '../support/index-fixtures';
import { OpenAIFileSummarizer, type ModelSummarySpec } from '../../src/code-index/summary/model-summary';
import { loadIndexConfig } from '../../src/code-index/config';
import {
  behave,
  chatCalls,
  chatServer as server,
  freshModel,
  SECRET,
  SUMMARY_FILES as FILES,
  searchIndex as search,
} from '../support/summaries';

// Turned on, summaries run in the index-summaries project (test/index-summaries): the index object reads them from its env.
describe('model-written file summaries (local OpenAI chat completions)', () => {
  it('is off by default, and refused without an OpenAI key', async () => {
    const repo = await createFixtureRepo(FILES);
    const status = await reindex(repo);
    expect(status.lastRun!.stats.summaries).toBeUndefined();
    expect((await search(repo, 'reconcile ledger'))[0]!.modelSummary).toBeNull();
    expect(() => loadIndexConfig({ INDEX_MODEL_SUMMARIES: 'true' })).toThrow(
      /INDEX_MODEL_SUMMARIES=true needs OPENAI_API_KEY/,
    );
    expect(loadIndexConfig({ INDEX_MODEL_SUMMARIES: 'true', OPENAI_API_KEY: 'k' }).summaries).toMatchObject({
      model: 'gpt-4o-mini',
    });
  });
});

describe('OpenAIFileSummarizer against the local chat completions', () => {
  const spec = (model: string): ModelSummarySpec => ({
    model,
    baseUrl: server.url,
    minChars: 0,
    maxInputChars: 500,
    maxPerRun: 10,
    timeoutMs: 5_000,
  });

  it('sends at most the input budget and returns one bounded, redacted paragraph', async () => {
    const model = freshModel();
    await behave(model, { reply: `Line one.\n\nIt mentions ${SECRET} by mistake. ${'More words. '.repeat(200)}` });
    const summarizer = new OpenAIFileSummarizer(spec(model), server.apiKey);
    const text = await summarizer.summarize({ path: 'src/big.ts', language: 'typescript', text: 'x'.repeat(5_000) });
    expect(text).not.toContain(SECRET);
    expect(text).toContain('[REDACTED:aws_access_key]');
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThanOrEqual(900);
    const [sent] = await chatCalls(model);
    expect(sent!.prompt).toContain('(first 500 of 5000 characters)');
    expect(sent!.prompt.length).toBeLessThan(1_200);
    expect(summarizer.id).toBe(`openai:${model}:p1`);
  });

  it('turns a refused key into an upstream error without leaking it', async () => {
    const summarizer = new OpenAIFileSummarizer(spec(freshModel()), 'wrong-key-123456');
    await expect(summarizer.summarize({ path: 'a.ts', language: 'typescript', text: 'x' })).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.not.stringContaining('wrong-key'),
    });
  });
});
