import { describe, expect, it } from 'vitest';
import { ProgressGate, etaSeconds } from '../../src/code-index/progress';

describe('index run progress', () => {
  it('estimates the time left from the pace so far, and nothing before the first file', () => {
    const startedAt = new Date(0).toISOString();
    expect(etaSeconds({ startedAt, filesDone: 10, filesPlanned: 40 }, 20_000)).toBe(60);
    expect(etaSeconds({ startedAt, filesDone: 40, filesPlanned: 40 }, 20_000)).toBe(0);
    expect(etaSeconds({ startedAt, filesDone: 0, filesPlanned: 40 }, 20_000)).toBeNull();
  });

  it('lets a progress event through at most once a second', () => {
    const gate = new ProgressGate(1000);
    expect([0, 400, 999, 1000, 1500, 2001].map((t) => gate.due(t))).toEqual([true, false, false, true, false, true]);
  });
});
