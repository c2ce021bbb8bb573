import { parseHostingConfig, type HostingConfig } from './config';
import { WordPressClient } from './wordpress';
import { CloudwaysClient } from './cloudways';
import { CloudwaysHostingOperations, UnconfiguredHostingOperations, type HostingOperations } from './operations';

/** The hosting adapters for one request, chosen once from validated config. */
export interface Hosting {
  config: HostingConfig;
  /** Undefined when WP_REST_ENDPOINT is not set. */
  wordpress?: WordPressClient;
  /** Undefined when CW_EMAIL / CW_API_KEY are not set. */
  cloudways?: CloudwaysClient;
  /** For the intents engine only (approved intents); never behind a direct route. */
  operations: HostingOperations;
}

export function buildHosting(vars: Record<string, unknown>): Hosting {
  const config = parseHostingConfig(vars);
  const limits = { timeoutMs: config.timeoutMs, slowMs: config.slowMs };
  const wordpress = config.wordpress ? new WordPressClient(config.wordpress, limits) : undefined;
  const cloudways = config.cloudways ? new CloudwaysClient(config.cloudways, limits) : undefined;
  return {
    config,
    wordpress,
    cloudways,
    operations: cloudways ? new CloudwaysHostingOperations(cloudways) : new UnconfiguredHostingOperations(),
  };
}
