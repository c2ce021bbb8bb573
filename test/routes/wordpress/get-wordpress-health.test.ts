import { describe, expect, inject, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { WORDPRESS_APP_PASSWORD, WORDPRESS_USER } from '../../../src/local/upstreams/controls';
import type { WordPressHealthResponse } from '../../../src/routes/wordpress/get-wordpress-health';

const wordpressUrl = inject('wordpressUrl');

function wordpress(scenario: string, auth = true, extra: Record<string, string> = {}) {
  return {
    WP_REST_ENDPOINT: `${wordpressUrl}/${scenario}/wp-json`,
    ...(auth ? { WP_USER: WORDPRESS_USER, WP_APP_PASSWORD: WORDPRESS_APP_PASSWORD } : {}),
    ...extra,
  };
}

describe('GET /ai/wordpress/health', () => {
  it('healthy with an application password: REST index, version and Site Health results', async () => {
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', {
      as: 'gpt',
      env: wordpress('healthy'),
    });
    expectStatus(result, 200);
    expect(result.body.state, result.text).toBe('ok');
    expect(result.body.version).toBe('6.6.2');
    expect(result.body.site).toMatchObject({ name: 'Local healthy site', namespaces: 4 });
    expect(result.body.siteHealth).toMatchObject({ authenticated: true, critical: 0, recommended: 1 });
    expect(result.body.siteHealth!.tests.map((t) => t.test)).toContain('background-updates');
    // A measured duration: a loopback answer can take less than the clock's millisecond, so 0 is a valid reading.
    expect(Number.isFinite(result.body.latencyMs) && result.body.latencyMs >= 0, String(result.body.latencyMs)).toBe(
      true,
    );
    expect(result.text).not.toContain(WORDPRESS_APP_PASSWORD);
  });

  it('without credentials: REST answers, Site Health is not checked', async () => {
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', {
      as: 'human',
      env: wordpress('healthy', false),
    });
    expect(result.body.state, result.text).toBe('ok');
    expect(result.body.siteHealth).toBeNull();
    expect(result.body.reason).toMatch(/no application password/);
  });

  it('a refused application password is degraded, and says why', async () => {
    const env = { ...wordpress('healthy', false), WP_USER: WORDPRESS_USER, WP_APP_PASSWORD: 'wrong password here' };
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', { as: 'human', env });
    expect(result.body.state, result.text).toBe('degraded');
    expect(result.body.reason).toMatch(/application password was refused/);
    expect(result.text).not.toContain('wrong password here');
  });

  it('a critical Site Health test makes it degraded', async () => {
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', {
      as: 'human',
      env: wordpress('critical'),
    });
    expect(result.body.state, result.text).toBe('degraded');
    expect(result.body.siteHealth!.critical).toBe(1);
    expect(result.body.reason).toContain('1 critical');
  });

  it('a host slower than the timeout is degraded, not a hung request', async () => {
    const env = wordpress('slow-3000', true, { HOSTING_TIMEOUT_MS: '150' });
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', { as: 'human', env });
    expectStatus(result, 200);
    expect(result.body.state, result.text).toBe('degraded');
    expect(result.body.reason).toMatch(/did not answer within 150 ms/);
  });

  it('a host that answers but slower than HOSTING_SLOW_MS is degraded', async () => {
    const env = wordpress('slow-120', false, { HOSTING_SLOW_MS: '20' });
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', { as: 'human', env });
    expect(result.body.state, result.text).toBe('degraded');
    expect(result.body.reason).toMatch(/slower than 20 ms/);
  });

  it('a failing REST API is down; an unreachable one too', async () => {
    const failing = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', {
      as: 'human',
      env: wordpress('failing'),
    });
    expect(failing.body.state, failing.text).toBe('down');
    expect(failing.body.reason).toContain('HTTP 500');
    const gone = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', {
      as: 'human',
      env: { WP_REST_ENDPOINT: 'http://127.0.0.1:9/wp-json' },
    });
    expect(gone.body.state, gone.text).toBe('down');
    expect(gone.body.reason).toMatch(/could not be reached/);
  });

  it('a hidden version is null, not a failure', async () => {
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', {
      as: 'human',
      env: wordpress('nofeed', false),
    });
    expect(result.body.state, result.text).toBe('ok');
    expect(result.body.version).toBeNull();
  });

  it('unconfigured is a clear state', async () => {
    const result = await call<WordPressHealthResponse>('GET', '/ai/wordpress/health', { as: 'cursor' });
    expectStatus(result, 200);
    expect(result.body.state).toBe('unconfigured');
    expect(result.body.reason).toContain('WP_REST_ENDPOINT');
  });

  it('a half-configured application password is a loud misconfiguration', async () => {
    const result = await call('GET', '/ai/wordpress/health', {
      as: 'human',
      env: { ...wordpress('healthy', false), WP_USER: 'someone' },
    });
    expectProblem(result, 503, 'misconfigured');
    expect(result.body.detail).toContain('WP_USER and WP_APP_PASSWORD');
  });
});

describeAuthCases('GET', '/ai/wordpress/health', ['gpt', 'cursor', 'human', 'cron']);
