import { inject } from 'vitest';
import { WORDPRESS_APP_PASSWORD, WORDPRESS_USER } from './wordpress-server';
import { CLOUDWAYS_API_KEY, CLOUDWAYS_EMAIL } from './cloudways-server';

/** Bindings for a fresh project whose WordPress and Cloudways are the local stand-ins in the given scenarios. */
export function hostingEnv(wp: string, cw: string): Record<string, string> {
  const wordpressUrl = inject('wordpressUrl');
  const cloudwaysUrl = inject('cloudwaysUrl');
  return {
    PROJECT_ID: `st-${crypto.randomUUID().slice(0, 12)}`,
    WP_REST_ENDPOINT: `${wordpressUrl}/${wp}/wp-json`,
    WP_USER: WORDPRESS_USER,
    WP_APP_PASSWORD: WORDPRESS_APP_PASSWORD,
    CLOUDWAYS_API_URL: `${cloudwaysUrl}/${cw}/${crypto.randomUUID().slice(0, 8)}/api/v1`,
    CW_EMAIL: CLOUDWAYS_EMAIL,
    CW_API_KEY: CLOUDWAYS_API_KEY,
  };
}

