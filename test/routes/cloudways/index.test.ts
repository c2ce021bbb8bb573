import { describe, expect, inject, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { CLOUDWAYS_API_KEY, CLOUDWAYS_EMAIL, type CloudwaysStats } from '../../../src/local/upstreams/controls';
import type { CloudwaysHealthResponse } from '../../../src/routes/cloudways/get-cloudways-health';
import type { ListCloudwaysServersResponse } from '../../../src/routes/cloudways/list-servers';
import type { ListCloudwaysAppsResponse } from '../../../src/routes/cloudways/list-apps';

// What the /ai/cloudways routes share (one token, one upstream, its failures); each route's auth cases sit in its own file.
const cloudwaysUrl = inject('cloudwaysUrl');

/** A fresh Cloudways account per test: its own token cache entry and its own server-side counters. */
function cloudways(scenario: string, extra: Record<string, string> = {}) {
  const base = `${cloudwaysUrl}/${scenario}/${crypto.randomUUID().slice(0, 8)}`;
  return {
    env: { CLOUDWAYS_API_URL: `${base}/api/v1`, CW_EMAIL: CLOUDWAYS_EMAIL, CW_API_KEY: CLOUDWAYS_API_KEY, ...extra },
    stats: async () => (await (await fetch(`${base}/__stats`)).json()) as CloudwaysStats,
  };
}

describe('Cloudways', () => {
  it('lists servers and apps without any credential Cloudways returns', async () => {
    const account = cloudways('healthy');
    const servers = await call<ListCloudwaysServersResponse>('GET', '/ai/cloudways/servers', {
      as: 'gpt',
      env: account.env,
    });
    expectStatus(servers, 200);
    expect(servers.body.total).toBe(2);
    expect(servers.body.servers[0]).toMatchObject({
      id: '101',
      label: 'production',
      status: 'running',
      region: 'lon1',
      apps: 2,
    });
    const apps = await call<ListCloudwaysAppsResponse>('GET', '/ai/cloudways/apps', { as: 'gpt', env: account.env });
    expectStatus(apps, 200);
    expect(apps.body.apps.map((a) => a.label)).toEqual(['shop', 'blog', 'shop-staging']);
    expect(apps.body.apps[2]).toMatchObject({
      serverId: '102',
      application: 'wordpress',
      fqdn: 'shop-staging.cloudwaysapps.test',
    });
    for (const text of [servers.text, apps.text]) {
      expect(text).not.toMatch(/SECRET|password|mysql|master_user|cwtok-/i);
      expect(text).not.toContain(CLOUDWAYS_API_KEY);
    }
  });

  it('obtains one access token and reuses it until it expires', async () => {
    const account = cloudways('healthy');
    for (let i = 0; i < 3; i++)
      expectStatus(await call('GET', '/ai/cloudways/servers', { as: 'human', env: account.env }), 200);
    expect(await account.stats()).toMatchObject({ tokensIssued: 1, apiCalls: 3, unauthorized: 0 });
  });

  it('refreshes the token once when the API answers 401 (token expired early)', async () => {
    const account = cloudways('expiring');
    expectStatus(await call('GET', '/ai/cloudways/servers', { as: 'human', env: account.env }), 200);
    const second = await call<ListCloudwaysServersResponse>('GET', '/ai/cloudways/servers', {
      as: 'human',
      env: account.env,
    });
    expectStatus(second, 200);
    expect(second.body.total).toBe(2);
    expect(await account.stats()).toMatchObject({ tokensIssued: 2, apiCalls: 2, unauthorized: 1 });
  });

  it('wrong credentials are explained, without echoing them', async () => {
    const account = cloudways('healthy', { CW_API_KEY: 'not-the-right-key-000' });
    const result = await call('GET', '/ai/cloudways/servers', { as: 'human', env: account.env });
    expectProblem(result, 502, 'upstream_error');
    expect(result.body.detail).toMatch(/refused the configured credentials/);
    expect(result.text).not.toContain('not-the-right-key-000');
    const health = await call<CloudwaysHealthResponse>('GET', '/ai/cloudways/health', {
      as: 'human',
      env: account.env,
    });
    expect(health.body.state).toBe('down');
  });

  it('health: ok when all servers run, degraded when one is stopped', async () => {
    const ok = await call<CloudwaysHealthResponse>('GET', '/ai/cloudways/health', {
      as: 'cursor',
      env: cloudways('healthy').env,
    });
    expectStatus(ok, 200);
    expect(ok.body, ok.text).toMatchObject({ state: 'ok', servers: { total: 2, running: 2 } });
    const stopped = await call<CloudwaysHealthResponse>('GET', '/ai/cloudways/health', {
      as: 'cursor',
      env: cloudways('stopped').env,
    });
    expect(stopped.body.state).toBe('degraded');
    expect(stopped.body.servers!.notRunning).toEqual([{ id: '102', label: 'staging', status: 'stopped' }]);
    expect(stopped.body.reason).toContain('staging (stopped)');
  });

  it('slow: health is degraded and a list is a 503 within the timeout', async () => {
    const account = cloudways('slow-3000', { HOSTING_TIMEOUT_MS: '150' });
    const health = await call<CloudwaysHealthResponse>('GET', '/ai/cloudways/health', {
      as: 'human',
      env: account.env,
    });
    expect(health.body.state, health.text).toBe('degraded');
    expect(health.body.reason).toMatch(/did not answer within 150 ms/);
    expectProblem(
      await call('GET', '/ai/cloudways/servers', { as: 'human', env: account.env }),
      503,
      'upstream_unavailable',
    );
  });

  it('failing: 502 for lists, down for health', async () => {
    const account = cloudways('failing');
    expectProblem(await call('GET', '/ai/cloudways/apps', { as: 'human', env: account.env }), 502, 'upstream_error');
    const health = await call<CloudwaysHealthResponse>('GET', '/ai/cloudways/health', {
      as: 'human',
      env: account.env,
    });
    expect(health.body.state).toBe('down');
    expect(health.body.reason).toContain('HTTP 500');
  });

  it('rate limited: 429 with retryAfter', async () => {
    const result = await call('GET', '/ai/cloudways/servers', { as: 'human', env: cloudways('limited').env });
    expectProblem(result, 429, 'rate_limited');
    expect(result.body.retryAfter).toBe(42);
  });

  it('unconfigured: health says so, lists answer 501', async () => {
    const health = await call<CloudwaysHealthResponse>('GET', '/ai/cloudways/health', { as: 'human' });
    expect(health.body).toMatchObject({ state: 'unconfigured', servers: null });
    expectProblem(await call('GET', '/ai/cloudways/servers', { as: 'human' }), 501, 'not_configured');
    expectProblem(await call('GET', '/ai/cloudways/apps', { as: 'human' }), 501, 'not_configured');
  });

  it('no route changes hosting directly', async () => {
    const account = cloudways('healthy');
    for (const path of ['/ai/cloudways/servers/101/restart', '/ai/cloudways/restart', '/ai/cloudways/cache/purge']) {
      expectProblem(
        await call('POST', path, { as: 'human', env: account.env, body: { serverId: '101' } }),
        404,
        'not_found',
      );
    }
    expect((await account.stats()).restarts).toEqual([]);
  });
});
