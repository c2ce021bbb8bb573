import { describe, expect, inject, it } from 'vitest';
import { CloudwaysClient } from '../../src/hosting/cloudways';
import { CloudwaysHostingOperations, UnconfiguredHostingOperations } from '../../src/hosting/operations';
import { buildHosting } from '../../src/hosting/service';
import { CloudwaysIntentHosting } from '../../src/intents/hosting-cloudways';
import { CLOUDWAYS_API_KEY, CLOUDWAYS_EMAIL, type CloudwaysStats } from '../../src/local/upstreams/controls';

const cloudwaysUrl = inject('cloudwaysUrl');

function account(scenario: string) {
  const base = `${cloudwaysUrl}/${scenario}/${crypto.randomUUID().slice(0, 8)}`;
  const client = new CloudwaysClient(
    { apiUrl: `${base}/api/v1`, email: CLOUDWAYS_EMAIL, apiKey: CLOUDWAYS_API_KEY },
    { timeoutMs: 2_000, slowMs: 1_000 },
  );
  return {
    ops: new CloudwaysHostingOperations(client),
    stats: async () => (await (await fetch(`${base}/__stats`)).json()) as CloudwaysStats,
  };
}

describe('HostingOperations (for approved intents)', () => {
  it('restarts a server and purges its cache through the Cloudways API', async () => {
    const { ops, stats } = account('healthy');
    expect(await ops.restartServer('101')).toEqual({ operationId: '4242' });
    expect(await ops.purgeCache('102')).toEqual({ purged: true });
    expect(await stats()).toMatchObject({ restarts: ['101'], purges: ['102'], tokensIssued: 1 });
  });

  it('refuses a malformed server id before calling anyone', async () => {
    const { ops, stats } = account('healthy');
    await expect(ops.restartServer('101&action=delete')).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await stats()).apiCalls).toBe(0);
  });

  it('says Cloudways is not configured when it is not', async () => {
    await expect(new UnconfiguredHostingOperations().purgeCache()).rejects.toMatchObject({ code: 'not_configured' });
  });
});

describe('the intents engine over Cloudways', () => {
  function intentHosting(scenario: string) {
    const base = `${cloudwaysUrl}/${scenario}/${crypto.randomUUID().slice(0, 8)}`;
    const hosting = buildHosting({
      CW_EMAIL: CLOUDWAYS_EMAIL,
      CW_API_KEY: CLOUDWAYS_API_KEY,
      CLOUDWAYS_API_URL: `${base}/api/v1`,
    });
    return {
      port: new CloudwaysIntentHosting(hosting),
      stats: async () => (await (await fetch(`${base}/__stats`)).json()) as CloudwaysStats,
    };
  }

  it('performs an approved restart and purge and reports the outcome', async () => {
    const { port, stats } = intentHosting('healthy');
    expect(port.configured).toBe(true);
    expect(await port.perform('restart', '101')).toEqual({ status: 'done', detail: 'Cloudways operation 4242' });
    expect(await port.perform('purge-cache', '102')).toEqual({ status: 'done', detail: 'cache purged' });
    expect(await stats()).toMatchObject({ restarts: ['101'], purges: ['102'] });
  });

  it('reads a target server as unhealthy when it is not running', async () => {
    expect(await intentHosting('healthy').port.health('102')).toBe('healthy');
    expect(await intentHosting('stopped').port.health('102')).toBe('unhealthy');
    expect(await intentHosting('failing').port.health('102')).toBe('unhealthy');
  });

  it('records a Cloudways refusal as a failed outcome, and says when it is not configured', async () => {
    const failed = await intentHosting('failing').port.perform('restart', '101');
    expect(failed.status).toBe('failed');
    expect(await new CloudwaysIntentHosting(buildHosting({})).perform('restart', '101')).toEqual({
      status: 'not_configured',
    });
    expect(await new CloudwaysIntentHosting(buildHosting({})).health('101')).toBe('not_configured');
  });
});
