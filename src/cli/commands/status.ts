import { ApiRefusal } from '../api';
import type { Command, CommandContext } from '../command';

/** What GET /ai/status answers (src/routes/status/get-status.ts). */
interface ServiceStatus {
  verdict: string;
  summary: string;
  layers: { layer: string; state: string; latencyMs: number; reason: string }[];
  service?: { version?: string };
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
      const status = await client.request<ServiceStatus>('GET', '/ai/status');
      if (values.json) io.out(JSON.stringify(status));
      else printStatus(status, io.out);
      return 0;
    } catch (error) {
      if (!(error instanceof ApiRefusal) || error.problem.status !== 404) throw error;
    }
    const health = await client.request<{ status: string; time: string }>('GET', '/healthz', undefined, {
      auth: false,
    });
    // /healthz needs no key: check the key separately so a wrong one is not reported as fine.
    await client.request('GET', '/ai/context');
    if (values.json) io.out(JSON.stringify({ ...health, detailed: false }));
    else
      io.out(
        `${client.baseUrl}: ${health.status} (liveness only; this service has no /ai/status). API key accepted (from ${source}).`,
      );
    return 0;
  },
};

function printStatus(status: ServiceStatus, out: (line: string) => void): void {
  out(
    `overall: ${status.verdict}${status.service?.version ? ` (version ${status.service.version})` : ''} — ${status.summary}`,
  );
  const width = Math.max(6, ...status.layers.map((l) => l.layer.length)) + 2;
  for (const layer of status.layers) {
    out(
      `  ${layer.layer.padEnd(width)}${layer.state.padEnd(13)}${`${Math.round(layer.latencyMs)} ms`.padStart(8)}  ${layer.reason}`,
    );
  }
}
