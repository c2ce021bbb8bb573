import { describe, expect, inject, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { commit, createFixtureRepo, indexStatus, reindex, type FixtureRepo } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';
import { OpenAIFileSummarizer, type ModelSummarySpec } from '../../src/code-index/summary/model-summary';
import { loadIndexConfig } from '../../src/code-index/config';
import type { ChatBehaviour, ChatCall } from '../../src/local/upstreams/controls';

const server = inject('openaiEmbeddings');
const standIn = server.url.replace(/\/v1$/, '');
const SECRET = 'AKIAIOSFODNN7EXAMPLE';

/** A model name of the test's own: the stand-in scopes behaviour and call counts by model. */
const freshModel = () => `test-summary-${crypto.randomUUID().slice(0, 8)}`;

async function behave(model: string, behaviour: ChatBehaviour): Promise<void> {
  const response = await fetch(`${standIn}/_chat/${model}`, { method: 'PUT', body: JSON.stringify(behaviour) });
  expect(response.status).toBe(200);
}

async function chatCalls(model: string): Promise<ChatCall[]> {
  return ((await (await fetch(`${standIn}/_chat/${model}`)).json()) as { calls: ChatCall[] }).calls;
}

const LEDGER = `/** Reconciles ledger entries against account balances. */
export function reconcileLedger(entries: number[], balance: number): number {
  const total = entries.reduce((sum, value) => sum + value, 0);
  if (total !== balance) console.warn('ledger out of balance', total, balance);
  return balance - total;
}

/** Rounds an amount to cents. */
export function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
`;

const KEYS = `/** Where the storage client finds its credentials. */
export const storageAccessKey = '${SECRET}';

export function storageClientOptions(region: string) {
  return { region, accessKeyId: storageAccessKey, retries: 3, timeoutMs: 5000, userAgent: 'hezlep-storage' };
}
`;

const FILES = {
  'src/ledger/reconcile.ts': LEDGER,
  'src/storage/keys.ts': KEYS,
  'src/tiny.ts': 'export const tiny = 1;\n',
  'docs/guide.md': `# Guide\n\n${'The deploy script pushes the worker to production. '.repeat(10)}\n`,
};

function repoWithSummaries(model: string, extra: Record<string, unknown> = {}): Promise<FixtureRepo> {
  return createFixtureRepo(FILES, {
    INDEX_MODEL_SUMMARIES: 'true',
    OPENAI_SUMMARY_MODEL: model,
    INDEX_SUMMARY_MIN_CHARS: '200',
    ...extra,
  });
}

async function search(repo: FixtureRepo, q: string, as: 'gpt' | 'cursor' = 'gpt') {
  const result = await call<SearchResponse>('GET', `/ai/search?q=${encodeURIComponent(q)}&k=8`, {
    as,
    env: repo.env,
  });
  expectStatus(result, 200);
  return result.body.results;
}

describe('model-written file summaries (local OpenAI chat completions)', () => {
  it('summarises source files once per blob: a second run calls the model only for changed content', async () => {
    const model = freshModel();
    await behave(model, { reply: '{path} reconciles the quarterly zebra ledger for the finance team.' });
    const repo = await repoWithSummaries(model);

    const first = await reindex(repo);
    expect(first.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'full' });
    expect(first.lastRun!.stats.summaries).toEqual({ written: 2, cached: 0, failed: 0, deferred: 0, lastError: null });
    let calls = await chatCalls(model);
    // Only source files over the size threshold: not the tiny file, not the docs.
    expect(calls.map((c) => c.path).sort()).toEqual(['src/ledger/reconcile.ts', 'src/storage/keys.ts']);
    expect(calls.every((c) => c.maxTokens === 160)).toBe(true);
    // The secret never reaches the model: it was redacted before the prompt was built.
    const keysPrompt = calls.find((c) => c.path === 'src/storage/keys.ts')!.prompt;
    expect(keysPrompt).not.toContain(SECRET);
    expect(keysPrompt).toContain('[REDACTED:aws_access_key]');

    // Searchable as a field, and returned to the gpt client beside the deterministic summary.
    const hits = await search(repo, 'quarterly zebra');
    // Only the summaries hold these words: the files found lexically are exactly the two summarised ones.
    const lexical = new Set(hits.filter((h) => h.signals.includes('lexical')).map((h) => h.path));
    expect(lexical).toEqual(new Set(['src/ledger/reconcile.ts', 'src/storage/keys.ts']));
    const ledger = hits.find((h) => h.path === 'src/ledger/reconcile.ts')!;
    expect(ledger.modelSummary).toBe(
      'src/ledger/reconcile.ts reconciles the quarterly zebra ledger for the finance team.',
    );
    expect(ledger.summary).toMatch(/reconcileLedger/);
    expect((await search(repo, 'tiny')).find((h) => h.path === 'src/tiny.ts')?.modelSummary).toBeNull();

    // Change one summarised file and copy the other to a new path: one new blob, one cached blob.
    await commit(repo, {
      write: {
        'src/storage/keys.ts': KEYS.replace('retries: 3', 'retries: 5'),
        'src/ledger/reconcile-copy.ts': LEDGER,
      },
    });
    const second = await reindex(repo);
    expect(second.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'incremental' });
    expect(second.lastRun!.stats.summaries).toMatchObject({ written: 1, cached: 1, failed: 0 });
    calls = await chatCalls(model);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.path).toBe('src/storage/keys.ts');

    // Nothing changed: nothing is read, nothing is asked.
    const third = await reindex(repo);
    expect(third.lastRun!.outcome).toBe('up_to_date');
    expect(await chatCalls(model)).toHaveLength(3);
  });

  it('a rate-limited model leaves the deterministic summary, reports it, and the next run makes up for it', async () => {
    const model = freshModel();
    await behave(model, { fail: { status: 429, times: -1 } });
    const repo = await repoWithSummaries(model);

    const failed = await reindex(repo);
    expect(failed.lastRun!.outcome).toBe('succeeded');
    const stats = failed.lastRun!.stats.summaries!;
    expect(stats.written).toBe(0);
    expect(stats.failed).toBeGreaterThanOrEqual(1);
    expect(stats.failed + stats.deferred).toBe(2);
    expect(stats.lastError).toMatch(/rate_limited/);
    expect(failed.files).toBe(4);
    const before = (await search(repo, 'reconcile ledger')).find((h) => h.path === 'src/ledger/reconcile.ts')!;
    expect(before.modelSummary).toBeNull();
    expect(before.summary).toMatch(/reconcileLedger/);

    // The model recovers; a run without any new commit summarises exactly the files still owed.
    await behave(model, {});
    const callsBefore = (await chatCalls(model)).length;
    const recovered = await reindex(repo);
    expect(recovered.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'incremental' });
    expect(recovered.lastRun!.stats).toMatchObject({ filesPlanned: 2, chunksEmbedded: 0 });
    expect(recovered.lastRun!.stats.summaries).toMatchObject({ written: 2, failed: 0 });
    expect((await chatCalls(model)).length - callsBefore).toBe(2);
    const after = (await search(repo, 'reconcile ledger')).find((h) => h.path === 'src/ledger/reconcile.ts')!;
    expect(after.modelSummary).toMatch(/summarised by the local OpenAI stand-in/);
    expect((await reindex(repo)).lastRun!.outcome).toBe('up_to_date');
  });

  it('a failing (5xx) or hanging model never fails the run', async () => {
    const broken = freshModel();
    await behave(broken, { fail: { status: 503, times: -1 } });
    const repo = await repoWithSummaries(broken);
    const status = await reindex(repo);
    expect(status.lastRun!.outcome).toBe('succeeded');
    expect(status.lastRun!.stats.summaries).toMatchObject({ written: 0, failed: 2 });
    expect(status.lastRun!.stats.summaries!.lastError).toMatch(/upstream_error: The summary model answered 503/);

    const hanging = freshModel();
    await behave(hanging, { hang: true });
    const slow = await repoWithSummaries(hanging, { INDEX_SUMMARY_TIMEOUT_MS: '100' });
    const timedOut = await reindex(slow);
    expect(timedOut.lastRun!.outcome).toBe('succeeded');
    expect(timedOut.lastRun!.stats.summaries).toMatchObject({ written: 0, failed: 2 });
    expect(timedOut.lastRun!.stats.summaries!.lastError).toMatch(/upstream_unavailable/);
    expect((await indexStatus(slow)).files).toBe(4);
  });

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
