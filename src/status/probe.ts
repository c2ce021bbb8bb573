import { ApiError } from '../errors';
import type { LayerReport, LayerState } from './layer';

/**
 * One check of one layer. `check` returns the layer's report; a probe that
 * throws or outlives the deadline is reported for it (down / degraded), so a
 * broken probe never breaks `/ai/status`.
 */
export interface LayerProbe {
  layer: string;
  /** A critical layer that is down makes the whole service down (the ledger, the context store). */
  critical: boolean;
  check(signal: AbortSignal): Promise<Omit<LayerReport, 'layer' | 'latencyMs'> & { latencyMs?: number }>;
}

export type Verdict = Exclude<LayerState, 'unconfigured'>;

export interface StatusReport {
  verdict: Verdict;
  summary: string;
  layers: LayerReport[];
}

/** Run every probe concurrently, each bounded by `timeoutMs`. */
export async function runProbes(probes: readonly LayerProbe[], timeoutMs: number): Promise<LayerReport[]> {
  return Promise.all(probes.map((probe) => runProbe(probe, timeoutMs)));
}

export async function runProbe(probe: LayerProbe, timeoutMs: number): Promise<LayerReport> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const outcome = await Promise.race([probe.check(controller.signal), deadline]);
    if (outcome === 'timeout') {
      return { layer: probe.layer, state: 'degraded', latencyMs: ms(), reason: `no answer within ${timeoutMs} ms` };
    }
    return { layer: probe.layer, ...outcome, latencyMs: outcome.latencyMs ?? ms() };
  } catch (error) {
    // Only our own errors carry a public message; anything else stays in the log.
    const detail = error instanceof ApiError ? error.message : 'the check failed unexpectedly';
    return { layer: probe.layer, state: 'down', latencyMs: ms(), reason: detail.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The overall verdict: down if a critical layer is down, degraded if any
 * configured layer is not ok, ok otherwise. Unconfigured layers do not count.
 */
export function verdictOf(reports: readonly LayerReport[], probes: readonly LayerProbe[]): StatusReport {
  const critical = new Set(probes.filter((p) => p.critical).map((p) => p.layer));
  const downCritical = reports.filter((r) => r.state === 'down' && critical.has(r.layer));
  const unwell = reports.filter((r) => r.state === 'down' || r.state === 'degraded');
  const verdict: Verdict = downCritical.length ? 'down' : unwell.length ? 'degraded' : 'ok';
  const unconfigured = reports.filter((r) => r.state === 'unconfigured').map((r) => r.layer);
  const summary =
    verdict === 'ok'
      ? `All ${reports.length - unconfigured.length} configured layers are ok${unconfigured.length ? `; not configured: ${unconfigured.join(', ')}` : ''}.`
      : `${verdict === 'down' ? 'Down' : 'Degraded'}: ${unwell.map((r) => `${r.layer} ${r.state} (${r.reason})`).join('; ')}`;
  return { verdict, summary: summary.slice(0, 400), layers: [...reports] };
}
