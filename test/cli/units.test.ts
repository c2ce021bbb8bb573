import { describe, expect, it } from 'vitest';
import { EventStream } from '../../src/cli/event-stream';
import { limitDiff } from '../../src/cli/git';
import { eventLine } from '../../src/cli/format';
import { indexLine } from '../../src/cli/commands/index-status';

describe('reconnect backoff', () => {
  const stream = (random: () => number) =>
    new EventStream({
      url: 'http://127.0.0.1:1',
      apiKey: 'k',
      onEvent: () => undefined,
      onControl: () => undefined,
      onStatus: () => undefined,
      signal: new AbortController().signal,
      initialDelayMs: 500,
      maxDelayMs: 8_000,
      random,
    });

  it('doubles from the initial delay up to the cap, with half of each delay random', () => {
    const low = stream(() => 0);
    expect(Array.from({ length: 7 }, () => low.nextDelay())).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    const high = stream(() => 1);
    expect(Array.from({ length: 7 }, () => high.nextDelay())).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('spreads clients that lost the connection together', () => {
    const delays = [0.1, 0.5, 0.9].map((r) => stream(() => r).nextDelay());
    expect(new Set(delays).size).toBe(3);
  });
});

describe('limitDiff', () => {
  it('keeps a diff that fits and cuts one that does not at a line boundary', () => {
    expect(limitDiff('+a\n-b\n', 100)).toEqual({ diff: '+a\n-b\n', truncated: false });
    const cut = limitDiff('+aaaa\n+bbbb\n+cccc\n', 13);
    expect(cut).toEqual({ diff: '+aaaa\n+bbbb\n', truncated: true });
  });

  it('counts bytes, not characters', () => {
    expect(limitDiff('+ééé\n', 5).truncated).toBe(true);
  });
});

describe('eventLine', () => {
  it('prints time, seq, topic, actor and summary on one line', () => {
    expect(
      eventLine({
        seq: 42,
        at: '2026-05-01T09:08:07.000Z',
        topic: 'cursor',
        type: 'cursor.session.updated',
        summary: 'alice in shop on main',
        actor: { client: 'cursor', person: 'alice', label: 'cursor:alice' },
      }),
    ).toBe('09:08:07 #42 cursor  cursor:alice: alice in shop on main');
  });
});

describe('indexLine (hezlep index status)', () => {
  const base = {
    repo: 'acme/shop',
    branch: 'main',
    indexedCommit: 'abcdef1234',
    freshness: { stale: false, headCommit: 'abcdef1234' },
    files: 40,
    chunks: 120,
    running: null,
    lastRun: { outcome: 'succeeded', finishedAt: '2026-01-01T00:00:00Z', durationMs: 2500 },
  };
  it('prints freshness, counts and the last run when idle', () => {
    expect(indexLine(base)).toBe('acme/shop@main  fresh at abcdef1, 40 files, 120 chunks; last run succeeded in 2.5 s');
    expect(indexLine({ ...base, indexedCommit: null, lastRun: null })).toBe(
      'acme/shop@main  never indexed, 40 files, 120 chunks',
    );
  });
  it('prints a progress bar, files done of planned and the ETA while a run goes', () => {
    const running = { phase: 'files', filesDone: 10, filesPlanned: 40, etaSeconds: 30, lastError: null };
    expect(indexLine({ ...base, running })).toBe(
      'acme/shop@main  indexing [#####...............] 10/40 files, about 30 s left',
    );
    expect(
      indexLine({ ...base, running: { ...running, phase: 'plan', filesDone: 0, filesPlanned: 0, etaSeconds: null } }),
    ).toBe('acme/shop@main  planning [....................] 0/0 files');
  });
});
