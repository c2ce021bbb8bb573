import { parseStatusConfig } from './config';
import { runProbes, verdictOf, type StatusReport } from './probe';
import { layerProbes, type ProbeAccess } from './probes';

export interface ServiceStatus extends StatusReport {
  service: { version: string; project: string };
  checkedAt: string;
}

/** Every layer checked concurrently, each within the probe timeout, and the overall verdict. */
export async function checkStatus(
  services: ProbeAccess & { config: { vars: Record<string, unknown>; version: string; projectId: string } },
): Promise<ServiceStatus> {
  const { probeTimeoutMs } = parseStatusConfig(services.config.vars);
  const probes = layerProbes(services);
  const reports = await runProbes(probes, probeTimeoutMs);
  return {
    ...verdictOf(reports, probes),
    service: { version: services.config.version, project: services.config.projectId },
    checkedAt: new Date().toISOString(),
  };
}
