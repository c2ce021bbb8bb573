import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { CLOUDWAYS_API_KEY, WORDPRESS_APP_PASSWORD } from '../../../src/local/upstreams/controls';
import { hostingEnv } from '../../support/hosting-env';
import { freshRepo, github } from '../../support/github';
import type { GetStatusResponse } from '../../../src/routes/status/get-status';

function layer(body: GetStatusResponse, name: string) {
  const found = body.layers.find((l) => l.layer === name);
  expect(found, `layer ${name} in ${JSON.stringify(body)}`).toBeDefined();
  return found!;
}

describe('GET /ai/status', () => {
  it('every layer ok: verdict ok, with latency, reasons and the service version', async () => {
    const gh = { GITHUB_TOKEN: github.token, GITHUB_REPO: freshRepo() };
    const result = await call<GetStatusResponse>('GET', '/ai/status', {
      as: 'gpt',
      env: { ...hostingEnv('healthy', 'healthy'), ...gh },
    });
    expectStatus(result, 200);
    expect(result.body.verdict, result.text).toBe('ok');
    expect(result.text).not.toContain(github.token);
    expect(result.body.layers.map((l) => l.layer)).toEqual([
      'context',
      'ledger',
      'wordpress',
      'cloudways',
      'github',
      'event-hub',
      'index',
    ]);
    expect(layer(result.body, 'index')).toMatchObject({
      state: 'unconfigured',
      reason: 'INDEX_REPOS is not set; no repository is indexed',
    });
    for (const l of result.body.layers.filter((l) => l.layer !== 'index')) {
      expect(l.state, JSON.stringify(l)).toBe('ok');
      expect(l.latencyMs).toBeGreaterThanOrEqual(0);
      expect(l.reason.length).toBeGreaterThan(0);
    }
    expect(layer(result.body, 'wordpress').details).toMatchObject({ version: '6.6.2' });
    expect(result.body.service.version).toBe('0.1.0');
    expect(result.text).not.toContain(WORDPRESS_APP_PASSWORD);
    expect(result.text).not.toContain(CLOUDWAYS_API_KEY);
  });

  it('unconfigured hosting does not spoil the verdict, and is named', async () => {
    const result = await call<GetStatusResponse>('GET', '/ai/status', {
      as: 'human',
      env: { PROJECT_ID: `st-${crypto.randomUUID().slice(0, 8)}` },
    });
    expect(result.body.verdict, result.text).toBe('ok');
    expect(layer(result.body, 'wordpress').state).toBe('unconfigured');
    expect(layer(result.body, 'cloudways').state).toBe('unconfigured');
    expect(result.body.summary).toContain('not configured: wordpress, cloudways');
    expect(result.body.summary).toContain('index');
  });

  it('a slow layer is cut off at the probe timeout and makes the verdict degraded', async () => {
    const e = { ...hostingEnv('slow-3000', 'healthy'), STATUS_PROBE_TIMEOUT_MS: '200' };
    const result = await call<GetStatusResponse>('GET', '/ai/status', { as: 'human', env: e });
    expectStatus(result, 200);
    expect(result.body.verdict, result.text).toBe('degraded');
    expect(layer(result.body, 'wordpress')).toMatchObject({ state: 'degraded', reason: 'no answer within 200 ms' });
    // That the other probes are unaffected is shown without a race in test/status/probe.test.ts: here a busy
    // machine could make any layer slower than 200 ms.
  });

  it('a failing non-critical layer is degraded overall; the summary says which and why', async () => {
    const result = await call<GetStatusResponse>('GET', '/ai/status', {
      as: 'human',
      env: hostingEnv('healthy', 'failing'),
    });
    expect(result.body.verdict, result.text).toBe('degraded');
    expect(layer(result.body, 'cloudways').state).toBe('down');
    expect(result.body.summary).toMatch(/cloudways down \(.*HTTP 500/);
  });

  it('the context store down makes the service down', async () => {
    const e = {
      PROJECT_ID: `st-${crypto.randomUUID().slice(0, 8)}`,
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9',
      UPSTASH_REDIS_REST_TOKEN: 'x',
    };
    const result = await call<GetStatusResponse>('GET', '/ai/status', { as: 'human', env: e });
    expect(result.body.verdict, result.text).toBe('down');
    expect(layer(result.body, 'context')).toMatchObject({
      state: 'down',
      reason: 'the context store (upstash) is unreachable',
    });
  });

  it('a hosting misconfiguration shows as that layer down, not a failed request', async () => {
    const result = await call<GetStatusResponse>('GET', '/ai/status', {
      as: 'human',
      env: { CW_EMAIL: 'x@example.test' },
    });
    expectStatus(result, 200);
    expect(layer(result.body, 'cloudways').reason).toContain('CW_EMAIL and CW_API_KEY must be set together');
  });
});

describeAuthCases('GET', '/ai/status', ['gpt', 'cursor', 'human', 'cron']);
