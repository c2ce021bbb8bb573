import { inject } from 'vitest';
import { hostingVars } from '../../src/local/upstreams/hosting';

/** Bindings for a fresh project whose WordPress and Cloudways are the local stand-ins in the given scenarios. */
export function hostingEnv(wp: string, cw: string): Record<string, string> {
  return {
    PROJECT_ID: `st-${crypto.randomUUID().slice(0, 12)}`,
    ...hostingVars(
      { wordpress: inject('wordpressUrl'), cloudways: inject('cloudwaysUrl') },
      { wordpress: wp, cloudways: cw },
      crypto.randomUUID().slice(0, 8),
    ),
  };
}
