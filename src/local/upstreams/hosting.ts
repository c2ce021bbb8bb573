import { CLOUDWAYS_API_KEY, CLOUDWAYS_EMAIL, WORDPRESS_APP_PASSWORD, WORDPRESS_USER } from './controls';

/**
 * Worker variables pointing WordPress and Cloudways at the local stand-ins, each in a scenario
 * (healthy, failing, stopped, …); `run` keeps one caller's Cloudways token and counters apart.
 */
export function hostingVars(
  urls: { wordpress: string; cloudways: string },
  scenario: { wordpress: string; cloudways: string },
  run: string,
): Record<string, string> {
  return {
    WP_REST_ENDPOINT: `${urls.wordpress}/${scenario.wordpress}/wp-json`,
    WP_USER: WORDPRESS_USER,
    WP_APP_PASSWORD: WORDPRESS_APP_PASSWORD,
    CLOUDWAYS_API_URL: `${urls.cloudways}/${scenario.cloudways}/${run}/api/v1`,
    CW_EMAIL: CLOUDWAYS_EMAIL,
    CW_API_KEY: CLOUDWAYS_API_KEY,
  };
}
