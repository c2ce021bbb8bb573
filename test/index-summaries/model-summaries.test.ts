import { describe, expect, it } from 'vitest';
import { commit, createFixtureRepo, indexStatus, reindex } from '../support/index-fixtures';
import { INDEX_SUMMARIES_SETTINGS } from '../support/index-settings';
import {
  behave,
  chatCalls,
  KEYS,
  LEDGER,
  SECRET,
  SUMMARY_FILES as FILES,
  searchIndex as search,
} from '../support/summaries';

/**
 * Project index-summaries: summaries on, one model name (test/support/index-settings.ts). The index object reads
 * them from its env, so the tests of this file share the model: each sets its behaviour first and counts its own calls.
 */
const model = INDEX_SUMMARIES_SETTINGS.OPENAI_SUMMARY_MODEL;

describe('model-written file summaries (local OpenAI chat completions)', () => {
  it('summarises source files once per blob: a second run calls the model only for changed content', async () => {
    await behave(model, { reply: '{path} reconciles the quarterly zebra ledger for the finance team.' });
    const earlier = (await chatCalls(model)).length; // the project's model answered other tests before
    const repo = await createFixtureRepo(FILES);

    const first = await reindex(repo);
    expect(first.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'full' });
    expect(first.lastRun!.stats.summaries).toEqual({ written: 2, cached: 0, failed: 0, deferred: 0, lastError: null });
    let calls = (await chatCalls(model)).slice(earlier);
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
    calls = (await chatCalls(model)).slice(earlier);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.path).toBe('src/storage/keys.ts');

    // Nothing changed: nothing is read, nothing is asked.
    const third = await reindex(repo);
    expect(third.lastRun!.outcome).toBe('up_to_date');
    expect((await chatCalls(model)).slice(earlier)).toHaveLength(3);
  });

  it('a rate-limited model leaves the deterministic summary, reports it, and the next run makes up for it', async () => {
    await behave(model, { fail: { status: 429, times: -1 } });
    const repo = await createFixtureRepo(FILES);

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
    await behave(model, { fail: { status: 503, times: -1 } });
    const repo = await createFixtureRepo(FILES);
    const status = await reindex(repo);
    expect(status.lastRun!.outcome).toBe('succeeded');
    expect(status.lastRun!.stats.summaries).toMatchObject({ written: 0, failed: 2 });
    expect(status.lastRun!.stats.summaries!.lastError).toMatch(/upstream_error: The summary model answered 503/);

    // The project gives up on a summary after INDEX_SUMMARY_TIMEOUT_MS.
    await behave(model, { hang: true });
    const slow = await createFixtureRepo(FILES);
    const timedOut = await reindex(slow);
    expect(timedOut.lastRun!.outcome).toBe('succeeded');
    expect(timedOut.lastRun!.stats.summaries).toMatchObject({ written: 0, failed: 2 });
    expect(timedOut.lastRun!.stats.summaries!.lastError).toMatch(/upstream_unavailable/);
    expect((await indexStatus(slow)).files).toBe(4);
  });
});
