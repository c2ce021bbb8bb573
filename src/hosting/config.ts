import { z } from 'zod';
import { ApiError } from '../errors';
import { intVar, optionalVar, varsSection } from '../lib/vars';

/** The hosting section of the configuration: WordPress and Cloudways, each optional. */
export interface HostingConfig {
  wordpress?: { endpoint: string; user?: string; appPassword?: string };
  cloudways?: { apiUrl: string; email: string; apiKey: string };
  /** Every upstream call is abandoned after this long. */
  timeoutMs: number;
  /** An answer slower than this marks the layer degraded. */
  slowMs: number;
}

export const DEFAULT_CLOUDWAYS_API_URL = 'https://api.cloudways.com/api/v1';

function pair(a: string | undefined, b: string | undefined, names: string): boolean {
  if ((a === undefined) !== (b === undefined)) {
    throw new ApiError('misconfigured', `Service configuration is invalid: ${names} must be set together`);
  }
  return a !== undefined;
}

const hostingSchema = z.object({
  WP_REST_ENDPOINT: optionalVar
    .pipe(z.string().url('WP_REST_ENDPOINT must be a URL like https://example.com/wp-json').optional())
    .describe("The site's REST API root, e.g. https://example.com/wp-json; unset = WordPress unconfigured."),
  WP_USER: optionalVar.describe(
    'WordPress user of the application password (with WP_APP_PASSWORD), for Site Health results.',
  ),
  WP_APP_PASSWORD: optionalVar.describe('WordPress application password (secret; with WP_USER).'),
  CW_EMAIL: optionalVar.describe('Cloudways account email (with CW_API_KEY); unset = Cloudways unconfigured.'),
  CW_API_KEY: optionalVar.describe('Cloudways API key (secret; with CW_EMAIL).'),
  CLOUDWAYS_API_URL: optionalVar
    .pipe(z.string().url('CLOUDWAYS_API_URL must be a URL').optional())
    .describe(`Cloudways API root (default ${DEFAULT_CLOUDWAYS_API_URL}); for tests and proxies.`),
  HOSTING_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50, 'HOSTING_TIMEOUT_MS must be at least 50')
    .max(30_000)
    .default(5_000)
    .describe('Every WordPress/Cloudways call is abandoned after this many milliseconds (the layer is then degraded).'),
  HOSTING_SLOW_MS: intVar(2_000, 10, 30_000).describe(
    'An answer slower than this (milliseconds) makes the layer degraded.',
  ),
});

export const hostingVars = varsSection('Hosting', hostingSchema, (v): HostingConfig => {
  const config: HostingConfig = {
    timeoutMs: v.HOSTING_TIMEOUT_MS,
    slowMs: Math.min(v.HOSTING_SLOW_MS, v.HOSTING_TIMEOUT_MS),
  };
  if (v.WP_REST_ENDPOINT) {
    const hasAuth = pair(v.WP_USER, v.WP_APP_PASSWORD, 'WP_USER and WP_APP_PASSWORD');
    config.wordpress = {
      endpoint: v.WP_REST_ENDPOINT.replace(/\/+$/, ''),
      ...(hasAuth ? { user: v.WP_USER, appPassword: v.WP_APP_PASSWORD } : {}),
    };
  }
  if (pair(v.CW_EMAIL, v.CW_API_KEY, 'CW_EMAIL and CW_API_KEY')) {
    config.cloudways = {
      apiUrl: (v.CLOUDWAYS_API_URL ?? DEFAULT_CLOUDWAYS_API_URL).replace(/\/+$/, ''),
      email: v.CW_EMAIL!,
      apiKey: v.CW_API_KEY!,
    };
  }
  return config;
});

/** The hosting variables, validated once per env object; fails loudly naming the variable. */
export const parseHostingConfig = (vars: Record<string, unknown>): HostingConfig => hostingVars.parse(vars);
