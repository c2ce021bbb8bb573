import { z } from 'zod';
import { ApiError } from '../errors';

/** The hosting section of the configuration: WordPress and Cloudways, each optional. */
export interface HostingConfig {
  wordpress?: { endpoint: string; user?: string; appPassword?: string };
  cloudways?: { apiUrl: string; email: string; apiKey: string };
  /** Every upstream call is abandoned after this long. */
  timeoutMs: number;
  /** An answer slower than this marks the layer degraded. */
  slowMs: number;
}

const optional = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const HostingVarsSchema = z.object({
  WP_REST_ENDPOINT: optional.pipe(z.string().url('WP_REST_ENDPOINT must be a URL like https://example.com/wp-json').optional()),
  WP_USER: optional,
  WP_APP_PASSWORD: optional,
  CW_EMAIL: optional,
  CW_API_KEY: optional,
  CLOUDWAYS_API_URL: optional.pipe(z.string().url('CLOUDWAYS_API_URL must be a URL').optional()),
  HOSTING_TIMEOUT_MS: z.coerce.number().int().min(50, 'HOSTING_TIMEOUT_MS must be at least 50').max(30_000).default(5_000),
  HOSTING_SLOW_MS: z.coerce.number().int().min(10).max(30_000).default(2_000),
});

export const DEFAULT_CLOUDWAYS_API_URL = 'https://api.cloudways.com/api/v1';

function pair(a: string | undefined, b: string | undefined, names: string): boolean {
  if ((a === undefined) !== (b === undefined)) {
    throw new ApiError('misconfigured', `Service configuration is invalid: ${names} must be set together`);
  }
  return a !== undefined;
}

/** Parse the hosting variables once per request from `config.vars`; fails loudly naming the variable. */
export function parseHostingConfig(vars: Record<string, unknown>): HostingConfig {
  const parsed = HostingVarsSchema.safeParse(vars);
  if (!parsed.success) {
    const why = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: ${why}`);
  }
  const v = parsed.data;
  const config: HostingConfig = { timeoutMs: v.HOSTING_TIMEOUT_MS, slowMs: Math.min(v.HOSTING_SLOW_MS, v.HOSTING_TIMEOUT_MS) };
  if (v.WP_REST_ENDPOINT) {
    const hasAuth = pair(v.WP_USER, v.WP_APP_PASSWORD, 'WP_USER and WP_APP_PASSWORD');
    config.wordpress = {
      endpoint: v.WP_REST_ENDPOINT.replace(/\/+$/, ''),
      ...(hasAuth ? { user: v.WP_USER, appPassword: v.WP_APP_PASSWORD } : {}),
    };
  }
  if (pair(v.CW_EMAIL, v.CW_API_KEY, 'CW_EMAIL and CW_API_KEY')) {
    config.cloudways = { apiUrl: (v.CLOUDWAYS_API_URL ?? DEFAULT_CLOUDWAYS_API_URL).replace(/\/+$/, ''), email: v.CW_EMAIL!, apiKey: v.CW_API_KEY! };
  }
  return config;
}
