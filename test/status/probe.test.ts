import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors';
import { runProbes, verdictOf, type LayerProbe } from '../../src/status/probe';

const probe = (layer: string, critical: boolean, check: LayerProbe['check']): LayerProbe => ({
  layer,
  critical,
  check,
});

describe('status aggregation', () => {
  it('runs probes concurrently and bounds each by the timeout', async () => {
    const never = probe('hung', false, () => new Promise(() => undefined));
    const fine = probe('fine', true, async () => ({ state: 'ok', reason: 'fine' }));
    const broken = probe('broken', false, async () => {
      throw new Error('secret internal detail');
    });
    const explained = probe('explained', false, async () => {
      throw new ApiError('misconfigured', 'X must be set');
    });
    const reports = await runProbes([never, fine, broken, explained], 50);
    expect(reports.map((r) => [r.layer, r.state])).toEqual([
      ['hung', 'degraded'],
      ['fine', 'ok'],
      ['broken', 'down'],
      ['explained', 'down'],
    ]);
    expect(reports[0]!.reason).toBe('no answer within 50 ms');
    expect(reports[2]!.reason).not.toContain('secret');
    expect(reports[3]!.reason).toBe('X must be set');
  });

  it('verdict: critical down -> down; any unwell -> degraded; unconfigured ignored', () => {
    const probes = [
      probe('ledger', true, async () => ({ state: 'ok', reason: '' })),
      probe('wp', false, async () => ({ state: 'ok', reason: '' })),
    ];
    const r = (layer: string, state: 'ok' | 'degraded' | 'down' | 'unconfigured') => ({
      layer,
      state,
      latencyMs: 1,
      reason: state,
    });
    expect(verdictOf([r('ledger', 'ok'), r('wp', 'unconfigured')], probes).verdict).toBe('ok');
    expect(verdictOf([r('ledger', 'ok'), r('wp', 'down')], probes).verdict).toBe('degraded');
    expect(verdictOf([r('ledger', 'degraded'), r('wp', 'ok')], probes).verdict).toBe('degraded');
    expect(verdictOf([r('ledger', 'down'), r('wp', 'ok')], probes)).toMatchObject({
      verdict: 'down',
      summary: 'Down: ledger down (down)',
    });
  });
});
