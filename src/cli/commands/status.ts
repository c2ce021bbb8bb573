import { ApiRefusal } from '../api';
import type { Command, CommandContext } from '../command';

interface LayerStatus {
  state?: string;
  status?: string;
  reason?: string;
  latencyMs?: number;
}

export const statusCommand: Command = {
  path: ['status'],
  summary: 'Show whether the service and each layer are healthy',
  usage: 'hezlep status [--json]',
  details: 'Calls /ai/status when the service has it; otherwise reports the /healthz liveness probe.',
  options: { json: { type: 'boolean' } },
  async run({ values, io, api, config }: CommandContext): Promise<number> {
    const client = await api();
    const { source } = await config();
    try {
      const status = await client.request<Record<string, unknown>>('GET', '/ai/status');
      if (values.json) io.out(JSON.stringify(status));
      else printStatus(status, io.out);
      return 0;
    } catch (error) {
      if (!(error instanceof ApiRefusal) || error.problem.status !== 404) throw error;
    }
    const health = await client.request<{ status: string; time: string }>('GET', '/healthz', undefined, { auth: false });
    // /healthz needs no key: check the key separately so a wrong one is not reported as fine.
    await client.request('GET', '/ai/context');
    if (values.json) io.out(JSON.stringify({ ...health, detailed: false }));
    else io.out(`${client.baseUrl}: ${health.status} (liveness only; this service has no /ai/status). API key accepted (from ${source}).`);
    return 0;
  },
};

function printStatus(status: Record<string, unknown>, out: (line: string) => void): void {
  const overall = (status.overall ?? status.status ?? status.verdict) as string | undefined;
  out(`overall: ${overall ?? 'unknown'}${status.version ? ` (version ${status.version})` : ''}`);
  const layers = (status.layers ?? status.checks) as Record<string, LayerStatus> | LayerStatus[] | undefined;
  if (!layers) return;
  const entries = Array.isArray(layers) ? layers.map((layer) => [(layer as { name?: string }).name ?? '?', layer] as const) : Object.entries(layers);
  for (const [name, layer] of entries) {
    out(`  ${String(name).padEnd(14)} ${(layer.state ?? layer.status ?? '?').padEnd(12)} ${layer.latencyMs !== undefined ? `${layer.latencyMs} ms ` : ''}${layer.reason ?? ''}`.trimEnd());
  }
}
