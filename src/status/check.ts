import type { Services } from '../services';
import { parseStatusConfig } from './config';
import { runProbes, verdictOf, type StatusReport } from './probe';
import { layerProbes } from './probes';

export interface ServiceStatus extends StatusReport {
  service: { version: string; project: string };
  checkedAt: string;
}

/** Every layer checked concurrently, each within the probe timeout, and the overall verdict. */
export async function checkStatus(services: Services): Promise<ServiceStatus> {
  const { probeTimeoutMs } = parseStatusConfig(services.config.vars);
  const probes = layerProbes(services);
  const reports = await runProbes(probes, probeTimeoutMs);
  return {
    ...verdictOf(reports, probes),
    service: { version: services.config.version, project: services.config.projectId },
    checkedAt: new Date().toISOString(),
  };
}
